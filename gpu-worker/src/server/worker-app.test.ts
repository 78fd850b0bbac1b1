import { ReplayGuard } from "@ugatit/contracts/protocol";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { BatcherPool } from "./batching/batcher-pool.ts";
import type { WorkerState } from "./context.ts";
import { ImagePreparation } from "./infer/image-preparation.ts";
import { WorkerMetrics } from "./metrics/worker-metrics.ts";
import { ModelRegistry } from "./models/model-registry.ts";
import { ObjectStore } from "./storage/object-store.ts";
import { createWorkerApp } from "./worker-app.ts";

function app(state: WorkerState) {
  return createWorkerApp({
    registry: new ModelRegistry("cpu", 256),
    batchers: new BatcherPool({ maxBatch: 1, maxDelayMs: 0, queueLimit: 1 }),
    storage: new ObjectStore({
      region: "us-east-1",
      bucket: "b",
      accessKeyId: "a",
      secretAccessKey: "s",
      forcePathStyle: true,
    }),
    maxInputBytes: 1024,
    preparation: new ImagePreparation(1),
    secret: "s".repeat(32),
    replays: new ReplayGuard(),
    metrics: new WorkerMetrics(),
    logger: pino({ level: "silent" }),
    state,
    backend: "cpu",
    versions: {},
    requestTimeoutMs: 1000,
  });
}

describe("readiness", () => {
  it("is 503 while models load, 200 once ready, 503 again while draining", async () => {
    const state: WorkerState = { ready: false, draining: false, inFlight: 0 };
    const worker = app(state);
    const loading = await worker.request("/readyz");
    expect(loading.status).toBe(503);
    expect(loading.headers.get("content-type")).toBe("application/problem+json");
    expect((await worker.request("/healthz")).status).toBe(200);
    state.ready = true;
    expect((await worker.request("/readyz")).status).toBe(200);
    state.draining = true;
    expect((await worker.request("/readyz")).status).toBe(503);
    const refused = await worker.request("/v1/models");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
  });

  it.each([
    ["loading", { ready: false, draining: false }, "not-ready", "5"],
    ["draining", { ready: true, draining: true }, "shutting-down", "1"],
  ])(
    "while %s answers every /v1 route with a retryable 503, never a final 4xx",
    async (_, flags, type, after) => {
      const worker = app({ ...flags, inFlight: 0 });
      const job = {
        job_id: "j",
        model: "light@1",
        direction: "A2B",
        input_key: "in",
        output_keys: { image: "o" },
      };
      for (const [path, init] of [
        ["/v1/infer", { method: "POST", body: JSON.stringify(job) }],
        ["/v1/models", {}],
        ["/v1/models/light@1/onnx/A2B", {}],
      ] as const) {
        const r = await worker.request(path, init);
        expect(r.status, path).toBe(503);
        expect(r.headers.get("retry-after"), path).toBe(after);
        expect(r.headers.get("content-type")).toBe("application/problem+json");
        expect(((await r.json()) as { type: string }).type).toContain(type);
      }
    },
  );

  it("refuses an oversized body before reading it", async () => {
    const worker = app({ ready: true, draining: false, inFlight: 0 });
    const r = await worker.request("/v1/infer", { method: "POST", body: "x".repeat(70_000) });
    expect(r.status).toBe(413);
  });
});
