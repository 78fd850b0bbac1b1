/**
 * @module Signed calls to the GPU worker (`POST /v1/infer`, `GET /v1/models`) with the shared signing code and
 * schemas. A failure is a {@link WorkerCallError} that says whether a retry can help.
 */
import {
  InferRequest,
  type InferRequestInput,
  InferResponse,
  ModelInfo,
  signatureHeaders,
} from "@ugatit/shared/protocol";
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

const ProblemBody = z.object({ title: z.string().optional(), detail: z.string().optional() }).loose();

async function callWorker(
  worker: WorkerConfig,
  method: "GET" | "POST",
  path: string,
  options: { body?: unknown; requestId: string; timeoutMs: number },
): Promise<unknown> {
  const bytes =
    options.body === undefined ? new Uint8Array() : new TextEncoder().encode(JSON.stringify(options.body));
  const url = `${worker.url}${path}`;
  const headers = {
    ...(await signatureHeaders(worker.secret, method, new URL(url).pathname, bytes)),
    "x-request-id": options.requestId,
    ...(options.body === undefined ? {} : { "content-type": "application/json" }),
  };
  const waitMs = options.timeoutMs + ANSWER_GRACE_MS;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: bytes }),
      signal: AbortSignal.timeout(waitMs),
    });
  } catch (error) {
    if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
      throw new WorkerCallError(
        failure("worker-timeout", "Inference timed out", `the GPU worker did not answer within ${waitMs} ms`),
        true,
      );
    }
    throw new WorkerCallError(
      failure(
        "worker-unreachable",
        "Inference worker unreachable",
        `the GPU worker could not be reached: ${error instanceof Error ? error.message : String(error)}`,
      ),
      true,
    );
  }
  const text = await response.text();
  if (response.ok) {
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
  const problem = ProblemBody.safeParse(safeJson(text)).data;
  const said = [problem?.title, problem?.detail].filter(Boolean).join(": ") || text.slice(0, 200);
  const retryable = response.status >= 500 || response.status === 429;
  const retryAfter = Number(response.headers.get("retry-after"));
  if (response.status === 504) {
    throw new WorkerCallError(
      failure("worker-timeout", "Inference timed out", `the GPU worker answered 504: ${said}`),
      true,
    );
  }
  throw new WorkerCallError(
    retryable
      ? failure(
          "worker-error",
          "Inference worker failed",
          `the GPU worker answered ${response.status}: ${said}`,
        )
      : failure("translation-refused", problem?.title ?? "Translation refused", problem?.detail ?? said),
    retryable,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
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
  return parsed(InferResponse, await callWorker(worker, "POST", "/v1/infer", { ...options, body }));
}

export async function listWorkerModels(
  worker: WorkerConfig,
  options: { requestId: string; timeoutMs: number },
): Promise<ModelInfo[]> {
  const answer = await callWorker(worker, "GET", "/v1/models", options);
  return parsed(z.object({ models: z.array(ModelInfo) }), answer).models;
}
