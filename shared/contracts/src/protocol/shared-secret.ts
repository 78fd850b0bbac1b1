/** @module What a WORKER_SHARED_SECRET must be: long, random, and none of the placeholders the repo ships. */
import { z } from "zod";

export const MIN_SECRET_LENGTH = 32;
/** Longer than any generated secret; keeps the pattern checks cheap. */
const MAX_SECRET_LENGTH = 1024;

/** Words the example files, the docs and hand-made secrets use; a generated secret holds none of them. */
const PLACEHOLDER = /secret|password|passwd|replace|change|example|placeholder|0123456789/i;

/** Below this many bits per character a secret repeats itself too much to be random (hex: about 4). */
const MIN_BITS_PER_CHAR = 2.5;

/**
 * Why `secret` cannot sign edge → worker calls, or undefined when it can.
 *
 * @example
 * weakSecretReason("replace-me-with-openssl-rand-hex-32"); // "is a placeholder (…)"
 */
export function weakSecretReason(secret: string): string | undefined {
  if (secret.length < MIN_SECRET_LENGTH) return `must be at least ${MIN_SECRET_LENGTH} characters`;
  if (secret.length > MAX_SECRET_LENGTH) return `must be at most ${MAX_SECRET_LENGTH} characters`;
  const word = PLACEHOLDER.exec(secret)?.[0];
  if (word) return `is a placeholder (it contains "${word}"); generate one with: openssl rand -hex 32`;
  if (bitsPerChar(secret) < MIN_BITS_PER_CHAR || hasShortPeriod(secret)) {
    return "is not random enough (it repeats itself); generate one with: openssl rand -hex 32";
  }
  return undefined;
}

/** A string that {@link weakSecretReason} accepts; the zod form both configurations use. */
export const SharedSecret = z.string().superRefine((secret, ctx) => {
  const reason = weakSecretReason(secret);
  if (reason) ctx.addIssue({ code: "custom", message: reason });
});

/** The Shannon entropy of the string's own character frequencies. */
function bitsPerChar(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/** True when the string is a shorter unit repeated (`abcd1234abcd1234…`). */
function hasShortPeriod(text: string): boolean {
  for (let period = 1; period <= text.length / 2; period++) {
    let repeats = true;
    for (let i = period; i < text.length && repeats; i++) repeats = text[i] === text[i - period];
    if (repeats) return true;
  }
  return false;
}
