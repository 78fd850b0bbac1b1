/** @module What the client throws: the API's problems, network failures, failed and overdue translations. */
import type { Problem, TranslationJob } from "./types.ts";

/**
 * An error answer: the API's application/problem+json (RFC 9457) as it is; any other error answer (the
 * storage's XML, a proxy's page) as an `about:blank` problem titled with the status.
 */
export class ApiProblemError extends Error {
  override name = "ApiProblemError";
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  /** Seconds to wait before retrying, from Retry-After (429, 503, a running job's 409); undefined when absent. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    /** The parsed body. */
    readonly problem: Problem,
    /** The answer's headers. */
    readonly headers: Headers,
  ) {
    super(`${problem.status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ""}`);
    this.status = problem.status;
    this.type = problem.type;
    this.title = problem.title;
    this.detail = problem.detail;
    this.retryAfterSeconds = retryAfterSeconds(headers.get("retry-after"));
  }
}

/** The request got no answer: the address is unreachable, the connection broke, DNS failed. */
export class ApiNetworkError extends Error {
  override name = "ApiNetworkError";
  constructor(
    readonly method: string,
    readonly url: string,
    cause: unknown,
  ) {
    super(`${method} ${url} got no answer: ${innermost(cause)}`, { cause });
  }
}

/** The root of a chain of causes ("fetch failed" → "connect ECONNREFUSED 127.0.0.1:1"), which says what happened. */
function innermost(error: unknown): string {
  let root = error;
  while (root instanceof Error && root.cause !== undefined) root = root.cause;
  return root instanceof Error ? root.message : String(root);
}

/** The job finished without output: failed (its `error` says why) or canceled. */
export class TranslationFailedError extends Error {
  override name = "TranslationFailedError";
  constructor(readonly job: TranslationJob) {
    super(
      job.error
        ? `translation ${job.id} ${job.status}: ${job.error.title}: ${job.error.detail}`
        : `translation ${job.id} ${job.status}`,
    );
  }
}

/** `timeoutMs` passed first; `jobId` names the job when it was created, to look at or delete later. */
export class TranslationTimeoutError extends Error {
  override name = "TranslationTimeoutError";
  constructor(
    readonly timeoutMs: number,
    readonly jobId: string | undefined,
  ) {
    super(
      jobId
        ? `translation ${jobId} did not finish within ${timeoutMs} ms`
        : `no translation was created within ${timeoutMs} ms`,
    );
  }
}

/** Retry-After as seconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterSeconds(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
