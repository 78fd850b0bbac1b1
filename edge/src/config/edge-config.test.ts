import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ConfigError, edgeConfig } from "./edge-config.ts";

describe("the edge configuration", () => {
  it("takes the test run's random worker secret", () => {
    expect(edgeConfig(env).worker.secret).toBe(env.WORKER_SHARED_SECRET);
  });

  it.each([
    ["the .dev.vars.example value of old", "local-dev-worker-secret-0123456789abcdef", /is a placeholder/],
    ["the Kubernetes example's", "replace-me-with-openssl-rand-hex-32", /is a placeholder/],
    ["a repeated one", "0f".repeat(20), /is not random enough/],
    ["a short one", "9f2c1ab7", /must be at least 32 characters/],
  ])("refuses %s secret with one line naming the variable", (_, secret, reason) => {
    const parse = () => edgeConfig({ ...env, WORKER_SHARED_SECRET: secret });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/^invalid edge configuration: WORKER_SHARED_SECRET: [^\n]+$/);
    expect(parse).toThrow(reason);
  });
});
