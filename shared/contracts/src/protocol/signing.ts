/**
 * Request signing between the edge and the worker: HMAC-SHA256 over method, path, timestamp, a nonce and
 * the body's SHA-256, with Web Crypto only, so the same code runs on Workers and in Node.
 */

export const SIGNATURE_HEADER = "x-ugatit-signature";
export const TIMESTAMP_HEADER = "x-ugatit-timestamp";
/** Unique per request, so identical calls in the same millisecond are not mistaken for replays. */
export const NONCE_HEADER = "x-ugatit-nonce";
/** A signed request older or newer than this is refused. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
/** The most nonces a {@link ReplayGuard} remembers by default (about 170 requests a second for 10 minutes). */
export const MAX_REMEMBERED_NONCES = 100_000;

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;

const encoder = new TextEncoder();

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

function hmacKey(secret: string) {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
}

/** What a signature covers besides the secret. */
export interface SignedFields {
  method: string;
  path: string;
  timestamp: string;
  nonce: string;
  body: Uint8Array;
}

/** The string both sides sign: one field a line. */
export async function canonicalRequest(fields: SignedFields): Promise<string> {
  const bodyHash = hex(await crypto.subtle.digest("SHA-256", fields.body as Uint8Array<ArrayBuffer>));
  return [fields.method.toUpperCase(), fields.path, fields.timestamp, fields.nonce, bodyHash].join("\n");
}

export async function sign(secret: string, fields: SignedFields): Promise<string> {
  const key = await hmacKey(secret);
  return hex(await crypto.subtle.sign("HMAC", key, encoder.encode(await canonicalRequest(fields))));
}

/** The headers that sign a request: a timestamp in Unix milliseconds and a fresh random nonce. */
export async function signatureHeaders(
  secret: string,
  method: string,
  path: string,
  body: Uint8Array,
  now = Date.now(),
): Promise<Record<string, string>> {
  const timestamp = String(now);
  const nonce = crypto.randomUUID().replaceAll("-", "");
  return {
    [TIMESTAMP_HEADER]: timestamp,
    [NONCE_HEADER]: nonce,
    [SIGNATURE_HEADER]: await sign(secret, { method, path, timestamp, nonce, body }),
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

/**
 * The nonces of the requests accepted while their timestamps could still pass the clock check: a second use
 * is a replay. Bounded: when full, the oldest nonce is forgotten and requests signed no later than it are
 * refused from then on, so forgetting never lets a replay through.
 */
export class ReplayGuard {
  /** Nonce → the time its request turns stale; insertion order is near enough expiry order (see below). */
  private readonly seen = new Map<string, number>();
  /** Requests signed at or before this (ms) may have had their nonce forgotten. */
  private floor = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly maxEntries = MAX_REMEMBERED_NONCES,
    private readonly skewMs = MAX_CLOCK_SKEW_MS,
  ) {}

  /** Records the nonce of a request signed at `timestamp`; false when it was used already (or may have been). */
  remember(nonce: string, timestamp: number, now: number): boolean {
    for (const [n, staleAt] of this.seen) {
      if (staleAt > now) break;
      this.seen.delete(n);
    }
    if (timestamp <= this.floor || this.seen.has(nonce)) return false;
    if (this.seen.size >= this.maxEntries) {
      const [oldest, staleAt] = this.seen.entries().next().value as [string, number];
      this.seen.delete(oldest);
      this.floor = Math.max(this.floor, staleAt - this.skewMs);
    }
    // Entries are dropped only from the front: one stale entry behind a fresher one lingers a little longer.
    this.seen.set(nonce, timestamp + this.skewMs);
    return true;
  }
}

export interface SignedRequest {
  method: string;
  path: string;
  timestamp: string | null | undefined;
  nonce: string | null | undefined;
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
  const { timestamp, nonce, signature } = request;
  if (!timestamp || !nonce || !signature) throw new SignatureError("missing", "the request is not signed");
  if (!/^\d{1,16}$/.test(timestamp) || !NONCE.test(nonce) || !/^[0-9a-f]{64}$/.test(signature)) {
    throw new SignatureError("malformed", "the signature headers are malformed");
  }
  if (Math.abs(now - Number(timestamp)) > MAX_CLOCK_SKEW_MS) {
    throw new SignatureError(
      "stale",
      "the signature's timestamp is more than 5 minutes from the worker's clock",
    );
  }
  const expected = await sign(secret, { ...request, timestamp, nonce });
  if (!timingSafeEqual(expected, signature))
    throw new SignatureError("mismatch", "the signature does not match");
  if (!replays.remember(nonce, Number(timestamp), now))
    throw new SignatureError("replayed", "this signed request was already used");
}
