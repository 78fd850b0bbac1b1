/** @module The errors the API answers with, as RFC 9457 problem details. */
import { ProblemError as ApiProblem, problem } from "@ugatit/contracts/protocol";

/** The shared problem error; `throw problems.notFound("no translation 01J…")`. */
export { ApiProblem };

/** One field of a request that failed validation. */
export interface InvalidParam {
  name: string;
  reason: string;
}

const p = (
  slug: string,
  status: number,
  title: string,
  detail?: string,
  extra?: Record<string, unknown>,
  headers?: Record<string, string>,
) => new ApiProblem(problem(slug, status, title, detail, extra), headers);

export const problems = {
  invalidRequest: (detail: string, invalidParams?: InvalidParam[]) =>
    p(
      "invalid-request",
      400,
      "Invalid request",
      detail,
      invalidParams ? { invalid_params: invalidParams } : undefined,
    ),
  unauthorized: (detail: string) =>
    p("unauthorized", 401, "Unauthorized", detail, undefined, {
      "www-authenticate": 'Bearer realm="ugatit"',
    }),
  forbidden: (detail: string) => p("forbidden", 403, "Forbidden", detail),
  notFound: (detail: string) => p("not-found", 404, "Not found", detail),
  methodNotAllowed: (method: string, path: string, allowed: string[]) =>
    p("method-not-allowed", 405, "Method not allowed", `${method} is not allowed on ${path}`, undefined, {
      allow: allowed.join(", "),
    }),
  idempotencyConflict: (key: string) =>
    p(
      "idempotency-conflict",
      409,
      "Idempotency key reused",
      `Idempotency-Key ${JSON.stringify(key)} was used with another request body`,
    ),
  jobRunning: (id: string) =>
    p(
      "job-running",
      409,
      "Job is running",
      `translation ${id} is running and cannot be canceled; delete it once it has finished`,
      undefined,
      { "retry-after": "5" },
    ),
  uploadNotReceived: (id: string) =>
    p(
      "upload-not-received",
      409,
      "Upload not received",
      `upload ${id} has no image yet: PUT it to its URL first`,
    ),
  tooLarge: (maxBytes: number) =>
    p("payload-too-large", 413, "Payload too large", `the limit is ${maxBytes} bytes`, {
      max_bytes: maxBytes,
    }),
  unsupportedMediaType: (detail: string) =>
    p("unsupported-media-type", 415, "Unsupported media type", detail),
  imageRefused: (detail: string) => p("image-refused", 422, "Image refused", detail),
  webhookRefused: (detail: string) => p("webhook-refused", 422, "Webhook URL refused", detail),
  rateLimited: (retryAfterSeconds: number, headers: Record<string, string>) =>
    p(
      "rate-limited",
      429,
      "Too many requests",
      `the rate limit is reached; retry in ${retryAfterSeconds} s`,
      undefined,
      { "retry-after": String(retryAfterSeconds), ...headers },
    ),
  workerUnavailable: (detail: string) =>
    p("worker-unavailable", 503, "Inference unavailable", detail, undefined, { "retry-after": "5" }),
  internal: () =>
    p("internal", 500, "Internal error", "the edge failed; the request id identifies it in the logs"),
};
