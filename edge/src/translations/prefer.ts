/** @module `Prefer: wait=N` (RFC 7240): how long the client will wait for a synchronous answer. */

/** The longest synchronous wait the API grants. */
export const MAX_WAIT_SECONDS = 60;

/**
 * Seconds to wait, capped at 60; 0 when the client did not ask (or asked for `respond-async`).
 *
 * @example
 * preferredWaitSeconds("respond-async, wait=100") // 0
 * preferredWaitSeconds("wait=100") // 60
 */
export function preferredWaitSeconds(prefer: string | undefined): number {
  if (!prefer) return 0;
  const preferences = prefer.split(",").map((p) => p.trim().toLowerCase());
  if (preferences.includes("respond-async")) return 0;
  for (const preference of preferences) {
    const wait = /^wait\s*=\s*"?(\d{1,6})"?$/.exec(preference)?.[1];
    if (wait !== undefined) return Math.min(Number(wait), MAX_WAIT_SECONDS);
  }
  return 0;
}
