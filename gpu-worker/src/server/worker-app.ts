/**
 * @module The worker's HTTP interface: wires the middleware and each route's module (signed inference and
 * model listing under /v1; health, readiness and metrics beside them) to the worker's parts.
 */
import type { ReplayGuard } from "@ugatit/contracts/protocol";
import type { Hono } from "hono";
import type { Logger } from "pino";
import type { WebGpuAdapter } from "../runtime/webgpu/webgpu-adapter.ts";
import { createRouter, type WorkerEnv, type WorkerState } from "./context.ts";
import { healthzRoute } from "./health/healthz.ts";
import { readyzRoute } from "./health/readyz.ts";
import type { InferDeps } from "./infer/infer-job.ts";
import { inferRoute } from "./infer/infer-route.ts";
import { metricsRoute } from "./metrics/metrics-route.ts";
import type { WorkerMetrics } from "./metrics/worker-metrics.ts";
import { requestLog } from "./middleware/request-log.ts";
import { signedRequests } from "./middleware/signed-requests.ts";
import { smallBody } from "./middleware/small-body.ts";
import { listModelsRoute } from "./models/list-models.ts";
import { modelOnnxRoute } from "./models/model-onnx.ts";
import { notFound, onError } from "./problems/respond.ts";

export interface WorkerAppDeps extends InferDeps {
  secret: string;
  replays: ReplayGuard;
  metrics: WorkerMetrics;
  logger: Logger;
  state: WorkerState;
  backend: string;
  /** fp32 or fp16 (absent: fp32). */
  precision?: string;
  /** The WebGPU adapter on the webgpu backend. */
  adapter?: WebGpuAdapter | undefined;
  versions: Record<string, string>;
  requestTimeoutMs: number;
}

export function createWorkerApp(deps: WorkerAppDeps): Hono<WorkerEnv> {
  const app = createRouter();
  app.use("*", requestLog(deps));
  app.route("/", healthzRoute(deps));
  app.route("/", readyzRoute(deps));
  app.route("/", metricsRoute(deps));

  // Everything under /v1 is small and signed by the edge.
  app.use("/v1/*", smallBody(), signedRequests(deps));
  app.route("/", listModelsRoute(deps));
  app.route("/", modelOnnxRoute(deps));
  app.route("/", inferRoute(deps));

  app.notFound(notFound);
  app.onError(onError(deps.metrics));
  return app;
}
