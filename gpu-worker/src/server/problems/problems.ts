import { ProblemError as HttpProblem, problem } from "@ugatit/contracts/protocol";

export { HttpProblem };

/** The request ended before its work did: the client left (answered 499, which nobody reads). */
export class ClientGoneError extends Error {
  override name = "ClientGoneError";
}

export const problems = {
  unsigned: (detail: string) =>
    new HttpProblem(problem("unauthorized", 401, "Request signature refused", detail)),
  invalidBody: (detail: string) =>
    new HttpProblem(problem("invalid-request", 400, "Invalid request body", detail)),
  invalidParameter: (detail: string) =>
    new HttpProblem(problem("invalid-request", 400, "Invalid request", detail)),
  unknownModel: (model: string, known: string[]) =>
    new HttpProblem(
      problem(
        "unknown-model",
        404,
        "Unknown model",
        `no model ${model}; this worker has ${known.join(", ") || "none"}`,
      ),
    ),
  unknownDirection: (model: string, direction: string, directions: string[]) =>
    new HttpProblem(
      problem(
        "unknown-direction",
        422,
        "Unknown direction",
        `${model} has no ${direction} generator (it has ${directions.join(", ")})`,
      ),
    ),
  lightModelRequired: (detail: string) =>
    new HttpProblem(problem("light-model-required", 422, "Light model required", detail)),
  // Object keys, buckets and hosts go to the log (the cause), never into the answer.
  missingInput: (cause: Error) =>
    new HttpProblem(
      problem("input-not-found", 404, "Input object not found", "the input image is not in storage"),
      {},
      { cause },
    ),
  badImage: (detail: string) => new HttpProblem(problem("unprocessable-image", 422, "Image refused", detail)),
  noFace: (detail: string) => new HttpProblem(problem("no-face", 422, "No face found", detail)),
  storageUnavailable: (cause: Error) =>
    new HttpProblem(
      problem(
        "storage-unavailable",
        503,
        "Storage unavailable",
        "storage did not answer as expected; retry later",
      ),
      { "retry-after": "5" },
      { cause },
    ),
  queueFull: (retryAfterSeconds: number) =>
    new HttpProblem(
      problem("queue-full", 503, "Inference queue full", "the worker is at capacity; retry later"),
      {
        "retry-after": String(retryAfterSeconds),
      },
    ),
  deadline: (ms: number) =>
    new HttpProblem(problem("deadline-exceeded", 504, "Deadline exceeded", `not done within ${ms} ms`)),
  draining: () =>
    new HttpProblem(
      problem("shutting-down", 503, "Worker shutting down", "this worker is draining; retry on another"),
      {
        "retry-after": "1",
      },
    ),
  notReady: () =>
    new HttpProblem(problem("not-ready", 503, "Not ready", "models are still loading"), {
      "retry-after": "5",
    }),
  tooLarge: (max: number) =>
    new HttpProblem(problem("body-too-large", 413, "Body too large", `the body is over ${max} bytes`)),
  // nginx's code for a client that closed the connection: nobody reads it, but logs and metrics do
  clientClosed: () => new HttpProblem(problem("client-closed", 499, "Client closed request")),
  notFound: (path: string) => new HttpProblem(problem("not-found", 404, "Not found", `no route ${path}`)),
  methodNotAllowed: (method: string, path: string) =>
    new HttpProblem(
      problem("method-not-allowed", 405, "Method not allowed", `${method} is not allowed on ${path}`),
    ),
  internal: () =>
    new HttpProblem(problem("internal", 500, "Internal error", "the worker failed; see its logs")),
};
