import { describe, expect, it } from "vitest";
import {
  NONCE_HEADER,
  ReplayGuard,
  SIGNATURE_HEADER,
  SignatureError,
  signatureHeaders,
  TIMESTAMP_HEADER,
  timingSafeEqual,
  verifySignature,
} from "./signing.ts";

const SECRET = "a-test-secret-that-is-long-enough-0123456789";
const body = new TextEncoder().encode('{"job_id":"j1"}');

async function signed(
  now = Date.now(),
  overrides: Partial<{ method: string; path: string; body: Uint8Array }> = {},
) {
  const headers = await signatureHeaders(SECRET, "POST", "/v1/infer", body, now);
  return {
    method: overrides.method ?? "POST",
    path: overrides.path ?? "/v1/infer",
    timestamp: headers[TIMESTAMP_HEADER],
    nonce: headers[NONCE_HEADER],
    signature: headers[SIGNATURE_HEADER],
    body: overrides.body ?? body,
  };
}

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "accepted";
  } catch (error) {
    return error instanceof SignatureError ? error.reason : `unexpected ${String(error)}`;
  }
}

describe("request signing", () => {
  it("accepts a fresh request signed with the secret, once", async () => {
    const guard = new ReplayGuard();
    const request = await signed();
    expect(await reason(verifySignature(SECRET, request, guard))).toBe("accepted");
    expect(await reason(verifySignature(SECRET, request, guard))).toBe("replayed");
  });

  it("accepts 100 identical requests signed in the same millisecond: each has its own nonce", async () => {
    const guard = new ReplayGuard();
    const now = Date.now();
    const requests = await Promise.all(Array.from({ length: 100 }, () => signed(now)));
    expect(new Set(requests.map((r) => r.nonce)).size).toBe(100);
    const outcomes = await Promise.all(requests.map((r) => reason(verifySignature(SECRET, r, guard, now))));
    expect(outcomes).toEqual(Array(100).fill("accepted"));
  });

  it("refuses unsigned, malformed, stale and tampered requests", async () => {
    const guard = new ReplayGuard();
    const now = Date.now();
    expect(await reason(verifySignature(SECRET, { ...(await signed()), signature: undefined }, guard))).toBe(
      "missing",
    );
    expect(await reason(verifySignature(SECRET, { ...(await signed()), nonce: undefined }, guard))).toBe(
      "missing",
    );
    expect(await reason(verifySignature(SECRET, { ...(await signed()), signature: "zz" }, guard))).toBe(
      "malformed",
    );
    expect(await reason(verifySignature(SECRET, { ...(await signed()), nonce: "short" }, guard))).toBe(
      "malformed",
    );
    expect(await reason(verifySignature(SECRET, await signed(now - 5 * 60 * 1000 - 1), guard, now))).toBe(
      "stale",
    );
    expect(await reason(verifySignature(SECRET, await signed(now + 5 * 60 * 1000 + 1), guard, now))).toBe(
      "stale",
    );
    expect(await reason(verifySignature(SECRET, await signed(now - 4 * 60 * 1000), guard, now))).toBe(
      "accepted",
    );
    const original = await signed();
    for (const tampered of [
      { ...original, body: new TextEncoder().encode('{"job_id":"j2"}') },
      { ...original, path: "/v1/models" },
      { ...original, method: "PUT" },
      { ...original, timestamp: String(Number(original.timestamp) + 1) },
      { ...original, nonce: "0123456789abcdef0123456789abcdef" },
    ]) {
      expect(await reason(verifySignature(SECRET, tampered, guard))).toBe("mismatch");
    }
    expect(await reason(verifySignature("another-secret-another-secret-another", original, guard))).toBe(
      "mismatch",
    );
  });

  it("forgets nonces once their requests could no longer pass the clock check", () => {
    const guard = new ReplayGuard(10, 1000);
    expect(guard.remember("a", 0, 0)).toBe(true);
    expect(guard.remember("a", 0, 999)).toBe(false);
    expect(guard.remember("b", 500, 1001)).toBe(true);
    expect(guard.remember("a", 0, 1001)).toBe(true); // only the clock check could refuse it now
  });

  it("stays within its size: a forgotten nonce's request, and any signed before it, count as replays", () => {
    const guard = new ReplayGuard(3, 1000);
    for (const [nonce, timestamp] of [
      ["a", 10],
      ["b", 20],
      ["c", 30],
      ["d", 40],
    ] as const)
      expect(guard.remember(nonce, timestamp, 50)).toBe(true);
    expect(guard.remember("a", 10, 50)).toBe(false); // forgotten, yet still refused
    expect(guard.remember("e", 5, 50)).toBe(false); // signed before the forgotten one
    expect(guard.remember("f", 45, 50)).toBe(true);
    expect(guard.remember("d", 40, 50)).toBe(false);
  });

  it("compares strings without short-circuiting on length or content", () => {
    expect(timingSafeEqual("abc", "abc")).toBe(true);
    expect(timingSafeEqual("abc", "abd")).toBe(false);
    expect(timingSafeEqual("abc", "abcd")).toBe(false);
  });
});
