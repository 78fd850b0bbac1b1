/** @module How every error becomes problem+json: thrown problems, framework errors, unknown routes and methods. */
import { PROBLEM_CONTENT_TYPE, type Problem } from "@ugatit/contracts/protocol";
import type { Context, ErrorHandler, Hono, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ConfigError } from "../config/edge-config.ts";
import type { AppEnv } from "../context.ts";
import { ApiProblem, problems } from "./api-problem.ts";

/** The problem as a response, with the request id and the path it concerns. */
export function problemResponse(c: Context<AppEnv>, error: ApiProblem): Response {
  const body: Problem = { ...error.problem, instance: c.req.path, request_id: c.get("requestId") };
  // c.body keeps the headers middleware set before the error (request id, CORS).
  return c.body(JSON.stringify(body), error.status as ContentfulStatusCode, {
    ...error.headers,
    "content-type": PROBLEM_CONTENT_TYPE,
  });
}

/** Problems as they are; Hono's own errors by their status; anything else is logged and answered 500. */
export const onError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof ApiProblem) return problemResponse(c, error);
  if (error instanceof HTTPException && error.status < 500)
    return problemResponse(c, fromHttpException(error));
  console.error(
    JSON.stringify({
      level: "error",
      msg: error instanceof ConfigError ? "misconfigured" : "unexpected error",
      request_id: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    }),
  );
  return problemResponse(c, problems.internal());
};

function fromHttpException(error: HTTPException): ApiProblem {
  switch (error.status) {
    case 400:
      return problems.invalidRequest(error.message || "the request is malformed");
    case 413:
      return problems.tooLarge(Number(error.cause) || 0);
    case 415:
      return problems.unsupportedMediaType(error.message || "unsupported Content-Type");
    default:
      return new ApiProblem({ type: "about:blank", title: error.message || "Error", status: error.status });
  }
}

/**
 * 404 for a path no route has, 405 (with Allow) for a path some route has under another method.
 *
 * @example
 * app.notFound(notFound(app));
 */
export function notFound(app: Hono<AppEnv>): NotFoundHandler<AppEnv> {
  return (c) => {
    const allowed = new Set<string>();
    for (const route of app.routes) {
      if (route.method !== "ALL" && pathPattern(route.path).test(c.req.path)) allowed.add(route.method);
    }
    if (allowed.size === 0) return problemResponse(c, problems.notFound(`no route ${c.req.path}`));
    if (allowed.has("GET")) allowed.add("HEAD");
    allowed.add("OPTIONS");
    return problemResponse(c, problems.methodNotAllowed(c.req.method, c.req.path, [...allowed].sort()));
  };
}

function pathPattern(path: string): RegExp {
  const escaped = path.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\/:[^/]+/g, "/[^/]+");
  return new RegExp(`^${escaped.replace(/\*/g, ".*")}$`);
}
