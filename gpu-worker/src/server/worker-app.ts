import {
  Direction,
  InferRequest,
  ModelRef,
  PROBLEM_CONTENT_TYPE,
  type ReplayGuard,
  SIGNATURE_HEADER,
  SignatureError,
  TIMESTAMP_HEADER,
  verifySignature,
} from "@ugatit/contracts/protocol";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { etag } from "hono/etag";
import type { Logger } from "pino";
import { ClientGoneError, type InferDeps, runInferJob } from "../inference/infer-job.ts";
import { OnnxExportError } from "../models/model-registry.ts";
import type { WorkerMetrics } from "./metrics.ts";
import { HttpProblem, problems } from "./problems.ts";

export interface WorkerState {
  /** Every model is loaded. */
  ready: boolean;
  /** SIGTERM arrived: finish what is in flight, take nothing new. */
  draining: boolean;
  /** Requests being answered. */
  inFlight: number;
}

export interface WorkerAppDeps extends InferDeps {
  secret: string;
  replays: ReplayGuard;
  metrics: WorkerMetrics;
  logger: Logger;
  state: WorkerState;
  backend: string;
  versions: Record<string, string>;
  requestTimeoutMs: number;
}

type Env = { Variables: { requestId: string; log: Logger } };

const MAX_BODY_BYTES = 64 * 1024;

function problemResponse(p: HttpProblem, requestId: string): Response {
  return new Response(JSON.stringify({ ...p.problem, request_id: requestId }), {
    status: p.status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, ...p.headers },
  });
}

/** The worker's HTTP interface: signed inference and model listing, health, readiness and metrics. */
export function createWorkerApp(deps: WorkerAppDeps): Hono<Env> {
  const { state, metrics } = deps;
  const app = new Hono<Env>();

  app.use("*", async (c, next) => {
    const requestId = c.req.header("x-request-id") ?? crypto.randomUUID();
    const log = deps.logger.child({ request_id: requestId });
    c.set("requestId", requestId);
    c.set("log", log);
    const started = performance.now();
    state.inFlight++;
    try {
      await next();
    } finally {
      state.inFlight--;
      c.header("x-request-id", requestId);
      const route = c.req.routePath === "/*" ? "unmatched" : c.req.routePath;
      metrics.requests.inc({ route, status: String(c.res.status) });
      log.info(
        {
          method: c.req.method,
          path: c.req.path,
          status: c.res.status,
          ms: Math.round(performance.now() - started),
        },
        "request",
      );
    }
  });

  app.get("/healthz", (c) =>
    c.json({
      status: "ok",
      backend: deps.backend,
      versions: deps.versions,
      draining: state.draining,
      models: deps.registry.list().length,
    }),
  );

  app.get("/readyz", (c) => {
    if (state.ready && !state.draining)
      return c.json({ ready: true, models: deps.registry.list().map((m) => m.id) });
    return problemResponse(state.draining ? problems.draining() : problems.notReady(), c.get("requestId"));
  });

  app.get("/metrics", async (c) => {
    for (const { modelId, direction, depth } of deps.batchers.depths())
      metrics.queueDepth.set({ model: modelId, direction }, depth);
    return c.body(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType });
  });

  // Everything under /v1 is small and signed by the edge.
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw problems.tooLarge(MAX_BODY_BYTES);
      },
    }),
  );
  app.use("/v1/*", async (c, next) => {
    if (state.draining) throw problems.draining();
    const body = new Uint8Array(await c.req.raw.clone().arrayBuffer());
    try {
      await verifySignature(
        deps.secret,
        {
          method: c.req.method,
          path: c.req.path,
          timestamp: c.req.header(TIMESTAMP_HEADER),
          signature: c.req.header(SIGNATURE_HEADER),
          body,
        },
        deps.replays,
      );
    } catch (error) {
      if (error instanceof SignatureError) throw problems.unsigned(error.message);
      throw error;
    }
    await next();
  });

  app.get("/v1/models", (c) => c.json({ models: deps.registry.list() }));

  // A light model's generator for clients that run it themselves; If-None-Match answers 304 from the ETag.
  app.get("/v1/models/:model/onnx/:direction", etag(), async (c) => {
    const ref = ModelRef.safeParse(c.req.param("model"));
    if (!ref.success) throw problems.invalidParameter(`model: ${ref.error.issues[0]?.message}`);
    const direction = Direction.safeParse(c.req.param("direction"));
    if (!direction.success) throw problems.invalidParameter("direction: A2B or B2A");
    const model = deps.registry.resolve(ref.data);
    if (!model)
      throw problems.unknownModel(
        ref.data,
        deps.registry.list().map((m) => m.id),
      );
    const exported = await deps.registry.exportOnnx(model, direction.data).catch((error: unknown) => {
      if (!(error instanceof OnnxExportError)) throw error;
      throw error.reason === "full_model"
        ? problems.lightModelRequired(error.message)
        : problems.unknownDirection(model.id, direction.data, model.info.directions);
    });
    return c.body(exported.bytes, 200, {
      "content-type": "application/octet-stream",
      etag: exported.etag,
      "x-ugatit-model": model.id,
    });
  });

  app.post("/v1/infer", async (c) => {
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
    metrics.batchSize.observe({ model: response.model, direction: response.direction }, response.batch_size);
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
  });

  for (const path of [
    "/v1/infer",
    "/v1/models",
    "/v1/models/:model/onnx/:direction",
    "/healthz",
    "/readyz",
    "/metrics",
  ]) {
    app.all(path, (c) => {
      throw problems.methodNotAllowed(c.req.method, c.req.path);
    });
  }

  app.notFound((c) => problemResponse(problems.notFound(c.req.path), c.get("requestId")));

  app.onError((error, c) => {
    if (error instanceof HttpProblem) {
      if (error.status === 504) metrics.dropped.inc({ reason: "deadline" });
      return problemResponse(error, c.get("requestId"));
    }
    if (error instanceof ClientGoneError) {
      metrics.dropped.inc({ reason: "client_gone" });
      c.get("log").info("client went away; work dropped");
      return problemResponse(problems.clientClosed(), c.get("requestId"));
    }
    c.get("log").error({ err: error }, "unexpected error");
    return problemResponse(problems.internal(), c.get("requestId"));
  });

  return app;
}
