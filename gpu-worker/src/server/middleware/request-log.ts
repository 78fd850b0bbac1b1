/** @module Every request: its id (the caller's X-Request-Id or a new one), the in-flight count, a metric and a log line. */
import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";
import type { WorkerEnv, WorkerState } from "../context.ts";
import type { WorkerMetrics } from "../metrics/worker-metrics.ts";

export function requestLog(deps: { logger: Logger; metrics: WorkerMetrics; state: WorkerState }) {
  const { logger, metrics, state } = deps;
  return createMiddleware<WorkerEnv>(async (c, next) => {
    const requestId = c.req.header("x-request-id") ?? crypto.randomUUID();
    const log = logger.child({ request_id: requestId });
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
}
