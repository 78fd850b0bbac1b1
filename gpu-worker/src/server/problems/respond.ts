/** @module Answering with problem details: unknown routes and methods, and every error a route throws. */
import { PROBLEM_CONTENT_TYPE } from "@ugatit/contracts/protocol";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import type { WorkerEnv } from "../context.ts";
import type { WorkerMetrics } from "../metrics/worker-metrics.ts";
import { ClientGoneError, HttpProblem, problems } from "./problems.ts";

export function problemResponse(p: HttpProblem, requestId: string): Response {
  return new Response(JSON.stringify({ ...p.problem, request_id: requestId }), {
    status: p.status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, ...p.headers },
  });
}

/** For `router.all(path, …)` after a path's own methods. */
export function methodNotAllowed(c: Context<WorkerEnv>): never {
  throw problems.methodNotAllowed(c.req.method, c.req.path);
}

export const notFound: NotFoundHandler<WorkerEnv> = (c) =>
  problemResponse(problems.notFound(c.req.path), c.get("requestId"));

/** Problems as they are, a client gone as 499, anything else logged and answered 500. */
export function onError(metrics: WorkerMetrics): ErrorHandler<WorkerEnv> {
  return (error, c) => {
    if (error instanceof HttpProblem) {
      if (error.status === 504) metrics.dropped.inc({ reason: "deadline" });
      // The cause (object keys, hosts) is for the log only, with the request id the client is shown.
      if (error.cause) c.get("log").warn({ err: error.cause }, error.problem.title);
      return problemResponse(error, c.get("requestId"));
    }
    if (error instanceof ClientGoneError) {
      metrics.dropped.inc({ reason: "client_gone" });
      c.get("log").info("client went away; work dropped");
      return problemResponse(problems.clientClosed(), c.get("requestId"));
    }
    c.get("log").error({ err: error }, "unexpected error");
    return problemResponse(problems.internal(), c.get("requestId"));
  };
}
