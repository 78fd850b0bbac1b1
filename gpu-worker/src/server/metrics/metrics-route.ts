/** @module GET /metrics: Prometheus text, the queue depths read as it is scraped. */
import type { BatcherPool } from "../batching/batcher-pool.ts";
import { createRouter } from "../context.ts";
import { methodNotAllowed } from "../problems/respond.ts";
import type { WorkerMetrics } from "./worker-metrics.ts";

export function metricsRoute(deps: { metrics: WorkerMetrics; batchers: BatcherPool }) {
  const { metrics } = deps;
  return createRouter()
    .get("/metrics", async (c) => {
      for (const { modelId, direction, depth } of deps.batchers.depths())
        metrics.queueDepth.set({ model: modelId, direction }, depth);
      return c.body(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType });
    })
    .all("/metrics", methodNotAllowed);
}
