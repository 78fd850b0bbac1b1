/** wrangler.toml, .dev.vars.example and the generated Env type agree. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { REPO_ROOT } from "./wrangler-d1.ts";

const config = unstable_readConfig({ config: join(REPO_ROOT, "wrangler.toml") });

describe("wrangler.toml", () => {
  it("announces in its vars the limits its rate limiters enforce", () => {
    const limit = (name: string) =>
      config.ratelimits.find((r: { name: string; simple: unknown }) => r.name === name)?.simple;
    expect(limit("RATE_LIMITER")).toEqual({
      limit: Number(config.vars.RATE_LIMIT_REQUESTS),
      period: Number(config.vars.RATE_LIMIT_PERIOD_SECONDS),
    });
    expect(limit("ANON_RATE_LIMITER")).toEqual({
      limit: Number(config.vars.ANON_RATE_LIMIT_REQUESTS),
      period: Number(config.vars.RATE_LIMIT_PERIOD_SECONDS),
    });
  });

  it("dead-letters the job queue into a queue whose consumer is the same Worker", () => {
    const [jobs, deadLetters] = config.queues.consumers ?? [];
    expect(jobs?.dead_letter_queue).toBe(deadLetters?.queue);
    expect(deadLetters?.queue).toMatch(/-dlq$/); // how the consumer tells the two apart
    expect(config.queues.producers?.[0]?.queue).toBe(jobs?.queue);
  });

  it("runs the sweeper every minute, and consumes the webhooks queue it produces to", () => {
    expect(config.triggers.crons).toEqual(["* * * * *"]);
    const webhooks = config.queues.consumers?.find((c: { queue: string }) =>
      c.queue.startsWith("ugatit-webhooks"),
    );
    expect(config.queues.producers).toEqual(
      expect.arrayContaining([{ binding: "WEBHOOKS", queue: webhooks?.queue }]),
    );
    // the job queue's own retries only back up the budget the consumer enforces
    expect(config.queues.consumers?.[0]?.max_retries).toBe(100);
  });

  it("has the anonymous tier off", () => {
    expect(config.vars.ANONYMOUS_TIER).toBe("off");
  });
});

describe(".dev.vars.example", () => {
  it("sets only variables the Worker's Env declares, and every secret", async () => {
    const names = (await readFile(join(REPO_ROOT, ".dev.vars.example"), "utf8"))
      .split("\n")
      .filter((l) => /^[A-Z0-9_]+=/.test(l))
      .map((l) => l.split("=")[0]);
    const env = await readFile(join(REPO_ROOT, "edge/worker-configuration.d.ts"), "utf8");
    for (const name of names) expect(env).toContain(`\t${name}: string;`);
    expect(names).toEqual(
      expect.arrayContaining(["WORKER_SHARED_SECRET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"]),
    );
  });
});
