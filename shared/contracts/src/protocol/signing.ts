/**
 * Request signing between the edge and the worker: HMAC-SHA256 over method, path, timestamp and the
 * body's SHA-256, with Web Crypto only, so the same code runs on Workers and in Node.
 */

export const SIGNATURE_HEADER = "x-ugatit-signature";
export const TIMESTAMP_HEADER = "x-ugatit-timestamp";
/** A signed request older or newer than this is refused. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

const encoder = new TextEncoder();

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

function hmacKey(secret: string) {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
}

/** The string both sides sign: one field a line. */
export async function canonicalRequest(
  method: string,
  path: string,
  timestamp: string,
  body: Uint8Array,
): Promise<string> {
  const bodyHash = hex(await crypto.subtle.digest("SHA-256", body as Uint8Array<ArrayBuffer>));
  return [method.toUpperCase(), path, timestamp, bodyHash].join("\n");
}

export async function sign(
  secret: string,
  method: string,
  path: string,
  timestamp: string,
  body: Uint8Array,
): Promise<string> {
  const key = await hmacKey(secret);
  return hex(
    await crypto.subtle.sign(
      "HMAC",
      key,
      encoder.encode(await canonicalRequest(method, path, timestamp, body)),
    ),
  );
}

/** The headers that sign a request (timestamp in Unix milliseconds). */
export async function signatureHeaders(
  secret: string,
  method: string,
  path: string,
  body: Uint8Array,
  now = Date.now(),
): Promise<Record<string, string>> {
  const timestamp = String(now);
  return {
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: await sign(secret, method, path, timestamp, body),
  };
}

/** Compares two strings in time that depends only on their length. */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

export type SignatureFailure = "missing" | "malformed" | "stale" | "mismatch" | "replayed";

export class SignatureError extends Error {
  override name = "SignatureError";
  constructor(
    readonly reason: SignatureFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Signatures seen within the clock-skew window; a second use is a replay. */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs = 2 * MAX_CLOCK_SKEW_MS) {}

  /** Records the signature; false when it was already used. */
  remember(signature: string, now: number): boolean {
    for (const [s, expires] of this.seen) {
      if (expires > now) break; // insertion order is expiry order
      this.seen.delete(s);
    }
    if (this.seen.has(signature)) return false;
    this.seen.set(signature, now + this.windowMs);
    return true;
  }
}

export interface SignedRequest {
  method: string;
  path: string;
  timestamp: string | null | undefined;
  signature: string | null | undefined;
  body: Uint8Array;
}

/** Throws a {@link SignatureError} unless the request is signed with `secret`, fresh, and not seen before. */
export async function verifySignature(
  secret: string,
  request: SignedRequest,
  replays: ReplayGuard,
  now = Date.now(),
): Promise<void> {
  const { timestamp, signature } = request;
  if (!timestamp || !signature) throw new SignatureError("missing", "the request is not signed");
  if (!/^\d{1,16}$/.test(timestamp) || !/^[0-9a-f]{64}$/.test(signature)) {
    throw new SignatureError("malformed", "the signature headers are malformed");
  }
  if (Math.abs(now - Number(timestamp)) > MAX_CLOCK_SKEW_MS) {
    throw new SignatureError(
      "stale",
      "the signature's timestamp is more than 5 minutes from the worker's clock",
    );
  }
  const expected = await sign(secret, request.method, request.path, timestamp, request.body);
  if (!timingSafeEqual(expected, signature))
    throw new SignatureError("mismatch", "the signature does not match");
  if (!replays.remember(signature, now))
    throw new SignatureError("replayed", "this signed request was already used");
}
