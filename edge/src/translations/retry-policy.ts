/** @module When a failed attempt is tried again: exponential backoff with jitter, within a budget of time. */
import type { RetryPolicy } from "../config/edge-config.ts";
import type { WorkerFailure } from "../worker-client/worker-client.ts";
import type { JobRecord } from "./job-store.ts";

/** The longest delay a Cloudflare Queue accepts for a message. */
const MAX_QUEUE_DELAY_SECONDS = 43_200;

/**
 * Seconds before the attempt after `attempts` failed ones: base × 2^(attempts − 1), capped at the policy's
 * maximum, half of it random ("equal jitter", so retries of jobs that failed together spread out), and never
 * sooner than the worker's Retry-After.
 *
 * @example
 * retryDelaySeconds({ baseDelaySeconds: 2, maxDelaySeconds: 60, budgetSeconds: 900 }, 3) // 4 to 8
 */
export function retryDelaySeconds(
  policy: RetryPolicy,
  attempts: number,
  retryAfterSeconds = 0,
  random: () => number = Math.random,
): number {
  const backoff = Math.min(policy.maxDelaySeconds, policy.baseDelaySeconds * 2 ** Math.max(0, attempts - 1));
  const jittered = Math.ceil(backoff / 2 + (random() * backoff) / 2);
  return Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(jittered, retryAfterSeconds));
}

/** Whether the job is young enough for another attempt: retries stop once it is `budgetSeconds` old. */
export function withinRetryBudget(policy: RetryPolicy, job: JobRecord, now = Date.now()): boolean {
  return now - Date.parse(job.created_at) < policy.budgetSeconds * 1000;
}

/** The error a job ends with when its retries are spent: the last failure's type, and what it said. */
export function gaveUp(job: JobRecord, last: WorkerFailure | undefined): WorkerFailure {
  return {
    type: last?.type ?? "https://ugatit.dev/problems/worker-unavailable",
    title: "Translation failed after retries",
    detail: `gave up after ${job.attempts} attempt${job.attempts === 1 ? "" : "s"}${last ? `; the last: ${last.detail}` : ""}`,
  };
}
