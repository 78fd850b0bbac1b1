/**
 * Webhooks through the real queue to a real receiver (edge/test/node/webhook-receiver.ts) that verifies each
 * signature with the secret the API gives, and refuses the first attempt of every event.
 */
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import {
  call,
  expectProblem,
  image,
  jobRecordFor,
  newKey,
  runCron,
  uniqueTenant,
  uploadImage,
  waitForJob,
} from "../../test/workerd/api.ts";
import { insertJob } from "../translations/job-store.ts";
import type { TranslationJob } from "../translations/schemas.ts";
import { insertDelivery } from "./delivery-store.ts";
import type { WebhookSecret } from "./schemas.ts";

interface Received {
  id: string;
  timestamp: string;
  verified: boolean;
  body: string;
  answered: number;
}

const receiver = () => inject("webhookReceiverUrl");

/** A hook on the receiver armed with the tenant's secret, as the API gives it. */
async function armedHook(key: string): Promise<{ url: string; name: string; secret: string }> {
  const r = await call("/v1/webhooks/secret", { key });
  expect(r.status, await r.clone().text()).toBe(200);
  expect(r.headers.get("cache-control")).toBe("no-store");
  const { key: secret } = (await r.json()) as WebhookSecret;
  const name = uniqueTenant("hook");
  expect((await fetch(`${receiver()}/secrets/${name}`, { method: "PUT", body: secret })).status).toBe(204);
  return { url: `${receiver()}/hooks/${name}`, name, secret };
}

async function receivedUntil(name: string, done: (log: Received[]) => boolean): Promise<Received[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const log = (await (await fetch(`${receiver()}/log/${name}`)).json()) as Received[];
    if (done(log)) return log;
    if (Date.now() > deadline) throw new Error(`webhooks so far: ${JSON.stringify(log)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function translateWithHook(key: string, webhook: string, events?: string[]): Promise<TranslationJob> {
  const upload = await uploadImage(key, image());
  const r = await call("/v1/translations", {
    key,
    json: {
      upload_id: upload.upload_id,
      direction: "A2B",
      webhook,
      ...(events ? { webhook_events: events } : {}),
    },
  });
  expect(r.status, await r.clone().text()).toBe(202);
  return (await r.json()) as TranslationJob;
}

describe("GET /v1/webhooks/secret", () => {
  it("gives each tenant its own whsec_ key of 32 random bytes, the same on every call", async () => {
    const tenant = uniqueTenant();
    const [first, again, other] = await Promise.all(
      [await newKey(tenant), await newKey(tenant), await newKey()].map(async (key) => {
        const r = await call("/v1/webhooks/secret", { key });
        return ((await r.json()) as WebhookSecret).key;
      }),
    );
    expect(first).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(Buffer.from(first!.slice(6), "base64")).toHaveLength(32);
  });

  it("needs the write scope", async () => {
    const r = await call("/v1/webhooks/secret", { key: await newKey(uniqueTenant(), ["read"]) });
    await expectProblem(r, 403);
  });
});

describe("webhooks of a translation", () => {
  it("deliver started and completed, signed with the tenant's secret, again with the same id after a failure", async () => {
    const key = await newKey();
    const hook = await armedHook(key);
    const job = await translateWithHook(key, hook.url, ["started", "completed"]);
    expect(job.webhook).toEqual({ url: hook.url, events: ["completed", "started"], deliveries: [] });
    await waitForJob(job.id);
    const log = await receivedUntil(hook.name, (l) => l.filter((d) => d.answered === 204).length === 2);

    expect(log.every((d) => d.verified)).toBe(true);
    const byType = (type: string) => log.filter((d) => JSON.parse(d.body).type === type);
    for (const type of ["translation.started", "translation.completed"]) {
      const attempts = byType(type);
      expect(attempts.map((d) => d.answered)).toEqual([500, 204]);
      expect(attempts[1]?.id).toBe(attempts[0]?.id); // the redelivery carries the same webhook-id
      expect(attempts[0]?.id).toMatch(/^msg_[0-9A-Z]{26}$/);
    }
    const completed = JSON.parse(byType("translation.completed")[1]!.body) as {
      type: string;
      timestamp: string;
      data: TranslationJob;
    };
    expect(Object.keys(completed).sort()).toEqual(["data", "timestamp", "type"]);
    expect(completed.data).toMatchObject({ id: job.id, status: "succeeded" });
    expect(completed.data.output?.image_url).toMatch(/^http/);
    expect(Date.parse(completed.timestamp)).toBeGreaterThanOrEqual(Date.parse(completed.data.completed_at!));

    // the job shows where each event stands
    const shown = (await (await call(`/v1/translations/${job.id}`, { key })).json()) as TranslationJob;
    expect(shown.webhook?.deliveries).toEqual(
      ["translation.started", "translation.completed"].map((type) => ({
        id: byType(type)[0]!.id,
        type,
        status: "delivered",
        attempts: 2,
        last_error: "the receiver answered 500",
        next_attempt_at: null,
        delivered_at: expect.any(String),
      })),
    );
  });

  it("announce only completion unless asked for more", async () => {
    const key = await newKey();
    const hook = await armedHook(key);
    const job = await translateWithHook(key, hook.url);
    await waitForJob(job.id);
    const log = await receivedUntil(hook.name, (l) => l.some((d) => d.answered === 204));
    expect(log.map((d) => [JSON.parse(d.body).type, d.answered])).toEqual([
      ["translation.completed", 500],
      ["translation.completed", 204],
    ]);
  });

  it.each([
    ["http://127.0.0.1:9/hook", "false", /must be an https URL/],
    ["https://127.0.0.1/hook", "false", /127\.0\.0\.1 is not a public address/],
    ["https://localhost/hook", "false", /localhost is not a public name/],
    ["https://10.1.2.3/hook", "true", /10\.1\.2\.3 is not a public address/],
    ["https://[fd00::1]/hook", "true", /is not a public address/],
    ["http://192.168.1.10/hook", "true", /must be an https URL/],
    ["ftp://example.com/hook", "true", /webhook/],
  ])("refuse %s with 422 (WEBHOOK_ALLOW_LOCAL %s), storing nothing", async (webhook, allowLocal, reason) => {
    const key = await newKey();
    const r = await call("/v1/translations?direction=A2B", {
      key,
      headers: { "content-type": "image/png" },
      body: image(),
      env: { WEBHOOK_ALLOW_LOCAL: allowLocal },
    });
    expect(r.status).toBe(202); // the same image without the webhook is fine
    const refused = await call(`/v1/translations?direction=A2B&webhook=${encodeURIComponent(webhook)}`, {
      key,
      headers: { "content-type": "image/png" },
      body: image(),
      env: { WEBHOOK_ALLOW_LOCAL: allowLocal },
    });
    const problem = await expectProblem(refused, webhook.startsWith("ftp") ? 400 : 422);
    expect(problem.detail).toMatch(reason);
    const list = (await (await call("/v1/translations", { key })).json()) as { items: unknown[] };
    expect(list.items).toHaveLength(1);
  });
});

describe("a webhook whose queue message was lost", () => {
  it("is sent again by the sweeper, with its webhook-id", async () => {
    const tenant = uniqueTenant();
    const key = await newKey(tenant);
    const hook = await armedHook(key);
    const upload = await uploadImage(key, image());
    const job = await jobRecordFor(tenant, upload, "lost-webhook", { webhook: hook.url });
    await insertJob(env.DB, { ...job, status: "canceled", completed_at: job.created_at });
    const due = new Date(Date.now() - 11 * 60_000).toISOString(); // past the 10-minute grace
    const lost = await insertDelivery(env.DB, {
      id: "msg_01LOSTLOSTLOSTLOSTLOSTLOST",
      job_id: job.id,
      tenant,
      url: hook.url,
      type: "translation.completed",
      occurred_at: due,
      status: "pending",
      attempts: 0,
      last_error: null,
      next_attempt_at: due,
      delivered_at: null,
    });
    expect(lost).not.toBeNull();
    await runCron();
    const log = await receivedUntil(hook.name, (l) => l.some((d) => d.answered === 204));
    expect(log.map((d) => [d.id, d.verified, d.answered])).toEqual([
      ["msg_01LOSTLOSTLOSTLOSTLOSTLOST", true, 500],
      ["msg_01LOSTLOSTLOSTLOSTLOSTLOST", true, 204],
    ]);
  });
});
