/** @module Waiting for a job: polling its Location with backoff, and a sleep the caller's signal can end. */
import type { TranslationJob } from "./types.ts";

/** The first poll after Retry-After (or this), each next one 1.5× later, capped. */
const FIRST_POLL_MS = 500;
const MAX_POLL_MS = 5_000;

export function isFinished(job: TranslationJob): boolean {
  return job.status !== "queued" && job.status !== "running";
}

/**
 * Polls `read` until the job has finished, `firstDelayMs` first (the 202's Retry-After), then with backoff.
 *
 * @example
 * const done = await pollUntilFinished(() => client.getTranslation(id), 1000, signal);
 */
export async function pollUntilFinished(
  read: () => Promise<TranslationJob>,
  firstDelayMs: number | undefined,
  signal: AbortSignal | undefined,
): Promise<TranslationJob> {
  let delay = firstDelayMs ?? FIRST_POLL_MS;
  for (;;) {
    await sleep(delay, signal);
    const job = await read();
    if (isFinished(job)) return job;
    delay = Math.min(Math.max(delay, FIRST_POLL_MS) * 1.5, MAX_POLL_MS);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
    };
    const abort = () => {
      done();
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    signal?.addEventListener("abort", abort, { once: true });
  });
}
