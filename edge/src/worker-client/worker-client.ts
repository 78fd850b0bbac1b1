/**
 * @module Signed calls to the GPU worker (`POST /v1/infer`, `GET /v1/models`, a model's ONNX file) with the
 * shared signing code and schemas. A failure is a {@link WorkerCallError} that says whether a retry can help.
 */
import {
  type Direction,
  InferRequest,
  type InferRequestInput,
  InferResponse,
  ModelInfo,
  signatureHeaders,
  workerOnnxPath,
} from "@ugatit/contracts/protocol";
import { z } from "zod";
import type { EdgeConfig } from "../config/edge-config.ts";

type WorkerConfig = EdgeConfig["worker"];

/** What a failed job or request reports: a problem type, title and detail. */
export interface WorkerFailure {
  type: string;
  title: string;
  detail: string;
}

/**
 * A call that did not succeed. `retryable`: the worker was unreachable, too slow, or answered 5xx/429;
 * otherwise (4xx, a malformed answer) the same request would fail again.
 */
export class WorkerCallError extends Error {
  override name = "WorkerCallError";
  constructor(
    readonly failure: WorkerFailure,
    readonly retryable: boolean,
    /** The worker's Retry-After, when it gave one. */
    readonly retryAfterSeconds?: number,
    /** The worker's own answer, when it answered with an error: its status and problem type. */
    readonly answer?: { status: number; type: string | undefined },
  ) {
    super(failure.detail);
  }
}

/** Time the worker gets past its own deadline to answer 504 before the edge gives up on the call. */
export const ANSWER_GRACE_MS = 1_000;

const failure = (slug: string, title: string, detail: string): WorkerFailure => ({
  type: `https://ugatit.dev/problems/${slug}`,
  title,
  detail,
});

const ProblemBody = z
  .object({ type: z.string().optional(), title: z.string().optional(), detail: z.string().optional() })
  .loose();

interface SendOptions {
  body?: unknown;
  requestId: string;
  headers?: Record<string, string>;
  /** How long the caller waits, told in the timeout's message. */
  waitMs: number;
  /** Aborts the call (with a TimeoutError once `waitMs` has passed). */
  signal: AbortSignal;
}

/** A signed request to the worker: its answer when 2xx or 304, else a {@link WorkerCallError}. */
async function sendToWorker(
  worker: WorkerConfig,
  method: "GET" | "POST",
  path: string,
  options: SendOptions,
): Promise<Response> {
  const bytes =
    options.body === undefined ? new Uint8Array() : new TextEncoder().encode(JSON.stringify(options.body));
  const url = `${worker.url}${path}`;
  const headers = {
    ...options.headers,
    ...(await signatureHeaders(worker.secret, method, new URL(url).pathname, bytes)),
    "x-request-id": options.requestId,
    ...(options.body === undefined ? {} : { "content-type": "application/json" }),
  };
  const { waitMs } = options;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: bytes }),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
      throw new WorkerCallError(
        failure("worker-timeout", "Inference timed out", `the GPU worker did not answer within ${waitMs} ms`),
        true,
      );
    }
    // The network error names hosts and addresses: logged, never shown.
    logFailure(options.requestId, "the GPU worker could not be reached", error);
    throw new WorkerCallError(
      failure(
        "worker-unreachable",
        "Inference worker unreachable",
        `the GPU worker could not be reached (request ${options.requestId})`,
      ),
      true,
    );
  }
  if (response.ok || response.status === 304) return response;
  const text = await response.text();
  const problem = ProblemBody.safeParse(safeJson(text)).data;
  const said = [problem?.title, problem?.detail].filter(Boolean).join(": ") || text.slice(0, 200);
  const retryable = response.status >= 500 || response.status === 429;
  const retryAfter = Number(response.headers.get("retry-after"));
  // A failure's details (storage keys, hosts) stay in the logs; the job shows the worker's title and the request id.
  const shown = `${problem?.title ? `: ${problem.title.slice(0, 80)}` : ""} (request ${options.requestId})`;
  if (retryable) logFailure(options.requestId, `the GPU worker answered ${response.status}`, said);
  if (response.status === 504) {
    throw new WorkerCallError(
      failure("worker-timeout", "Inference timed out", `the GPU worker answered 504${shown}`),
      true,
    );
  }
  throw new WorkerCallError(
    retryable
      ? failure(
          "worker-error",
          "Inference worker failed",
          `the GPU worker answered ${response.status}${shown}`,
        )
      : failure(
          // A photo without a face keeps its own type: the client can retry with another framing.
          problem?.type?.endsWith("/no-face") ? "no-face" : "translation-refused",
          problem?.title ?? "Translation refused",
          problem?.detail ?? said,
        ),
    retryable,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    { status: response.status, type: problem?.type },
  );
}

/** A signed call whose answer is JSON, read whole within the timeout. */
async function callWorker(
  worker: WorkerConfig,
  method: "GET" | "POST",
  path: string,
  options: { body?: unknown; requestId: string; timeoutMs: number },
): Promise<unknown> {
  const waitMs = options.timeoutMs + ANSWER_GRACE_MS;
  const signal = AbortSignal.timeout(waitMs);
  const text = await (await sendToWorker(worker, method, path, { ...options, waitMs, signal })).text();
  try {
    return JSON.parse(text);
  } catch {
    throw new WorkerCallError(
      failure(
        "worker-bad-response",
        "Inference worker misbehaved",
        "the GPU worker answered with something not JSON",
      ),
      false,
    );
  }
}

function logFailure(requestId: string, msg: string, error: unknown): void {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.warn(JSON.stringify({ level: "warn", msg, request_id: requestId, error: detail }));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parsed<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new WorkerCallError(
    failure(
      "worker-bad-response",
      "Inference worker misbehaved",
      `the GPU worker's answer is malformed: ${result.error.message}`,
    ),
    false,
  );
}

/**
 * Runs one inference; the worker answers 504 once `timeoutMs` has passed.
 *
 * @example
 * const result = await inferOnWorker(config.worker, request, { requestId, timeoutMs: 30_000 });
 */
export async function inferOnWorker(
  worker: WorkerConfig,
  request: Omit<InferRequestInput, "timeout_ms">,
  options: { requestId: string; timeoutMs: number },
): Promise<InferResponse> {
  const body = InferRequest.parse({ ...request, timeout_ms: options.timeoutMs });
  try {
    return parsed(InferResponse, await callWorker(worker, "POST", "/v1/infer", { ...options, body }));
  } catch (error) {
    if (error instanceof WorkerCallError && error.answer?.type?.endsWith("/unknown-model"))
      throw (await stillLoading(worker, options.requestId)) ?? error;
    throw error;
  }
}

/**
 * A worker that has not loaded its models yet knows none of them: its /readyz says whether "no such model"
 * is final, or a retryable error (with the Retry-After /readyz gave) until the load is over.
 */
async function stillLoading(worker: WorkerConfig, requestId: string): Promise<WorkerCallError | undefined> {
  let ready: Response;
  try {
    ready = await fetch(`${worker.url}/readyz`, {
      headers: { "x-request-id": requestId },
      signal: AbortSignal.timeout(5_000),
    });
    await ready.body?.cancel();
  } catch {
    // restarting, most likely: worth another attempt
    return new WorkerCallError(
      failure("worker-unreachable", "Inference worker unreachable", "the GPU worker stopped answering"),
      true,
    );
  }
  if (ready.ok) return undefined;
  const retryAfter = Number(ready.headers.get("retry-after"));
  return new WorkerCallError(
    failure("worker-loading", "Inference worker loading", "the GPU worker is still loading its models"),
    true,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

export async function listWorkerModels(
  worker: WorkerConfig,
  options: { requestId: string; timeoutMs: number },
): Promise<ModelInfo[]> {
  const answer = await callWorker(worker, "GET", "/v1/models", options);
  return parsed(z.object({ models: z.array(ModelInfo) }), answer).models;
}

/**
 * A model's generator as ONNX: the worker's answer, its body not yet read (200), or 304 when `ifNoneMatch`
 * names the current entity tag. The timeout covers the wait for the headers only: the body, tens of
 * megabytes, streams on to the client at the client's pace.
 *
 * @example
 * const answer = await fetchWorkerOnnx(config.worker, "selfie2anime@1", "A2B", { requestId, timeoutMs: 30_000 });
 */
export async function fetchWorkerOnnx(
  worker: WorkerConfig,
  model: string,
  direction: Direction,
  options: { requestId: string; timeoutMs: number; ifNoneMatch?: string | undefined },
): Promise<Response> {
  const waitMs = options.timeoutMs + ANSWER_GRACE_MS;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new DOMException("no answer", "TimeoutError")), waitMs);
  try {
    return await sendToWorker(worker, "GET", workerOnnxPath(model, direction), {
      requestId: options.requestId,
      waitMs,
      signal: abort.signal,
      ...(options.ifNoneMatch ? { headers: { "if-none-match": options.ifNoneMatch } } : {}),
    });
  } finally {
    clearTimeout(timer);
  }
}
