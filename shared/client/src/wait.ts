/** @module Waiting for a job: polling its Location with backoff, and a sleep the caller's signal can end. */
import { ApiNetworkError } from "./errors.ts";
import type { TranslationJob } from "./types.ts";

/** The first poll after Retry-After (or this), each next one 1.5× later, capped. */
const FIRST_POLL_MS = 500;
const MAX_POLL_MS = 5_000;
/**
 * Polls in a row that may get no answer before the wait gives up: a poll is a GET, safe to repeat, and a
 * connection dropped once (a proxy's idle timeout, a restarted pod) should not end a job's wait.
 */
export const MAX_UNANSWERED_POLLS = 3;

export function isFinished(job: TranslationJob): boolean {
  return job.status !== "queued" && job.status !== "running";
}

/**
 * Polls `read` until the job has finished, `firstDelayMs` first (the 202's Retry-After), then with backoff.
 * A poll that gets no answer (ApiNetworkError) is tried again at the next interval, up to
 * {@link MAX_UNANSWERED_POLLS} in a row; any other error ends the wait.
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
  let unanswered = 0;
  for (;;) {
    await sleep(delay, signal);
    delay = Math.min(Math.max(delay, FIRST_POLL_MS) * 1.5, MAX_POLL_MS);
    let job: TranslationJob;
    try {
      job = await read();
    } catch (error) {
      if (!(error instanceof ApiNetworkError) || ++unanswered >= MAX_UNANSWERED_POLLS) throw error;
      continue;
    }
    unanswered = 0;
    if (isFinished(job)) return job;
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
