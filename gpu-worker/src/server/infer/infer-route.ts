/** @module POST /v1/infer: a signed inference job, validated, run within its deadline, measured and logged. */
import { InferRequest } from "@ugatit/contracts/protocol";
import { createRouter } from "../context.ts";
import type { WorkerMetrics } from "../metrics/worker-metrics.ts";
import { problems } from "../problems/problems.ts";
import { methodNotAllowed } from "../problems/respond.ts";
import { type InferDeps, runInferJob } from "./infer-job.ts";

export function inferRoute(deps: InferDeps & { metrics: WorkerMetrics; requestTimeoutMs: number }) {
  const { metrics } = deps;
  return createRouter()
    .post("/v1/infer", async (c) => {
      let json: unknown;
      try {
        json = await c.req.json();
      } catch {
        throw problems.invalidBody("the body is not JSON");
      }
      const parsed = InferRequest.safeParse(json);
      if (!parsed.success) {
        throw problems.invalidBody(
          parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "),
        );
      }
      const timeoutMs = Math.min(parsed.data.timeout_ms ?? deps.requestTimeoutMs, deps.requestTimeoutMs);
      const signal = AbortSignal.any([c.req.raw.signal, AbortSignal.timeout(timeoutMs)]);
      const response = await runInferJob(deps, parsed.data, signal, timeoutMs);
      for (const [stage, ms] of Object.entries(response.timings_ms))
        metrics.stageSeconds.observe({ stage }, ms / 1000);
      metrics.batchSize.observe(
        { model: response.model, direction: response.direction },
        response.batch_size,
      );
      c.get("log").info(
        {
          job_id: response.job_id,
          model: response.model,
          batch_size: response.batch_size,
          timings_ms: response.timings_ms,
        },
        "inferred",
      );
      return c.json(response);
    })
    .all("/v1/infer", methodNotAllowed);
}
