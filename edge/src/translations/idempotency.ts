/** @module Idempotency-Key: the same key and request give the same job; the same key with another request, 409. */
import { problems } from "../problems/api-problem.ts";
import { sha256Hex } from "../security/digest.ts";
import { findJob, type JobRecord } from "./job-store.ts";

/** SHA-256 of the request's meaning (object keys sorted, so property order does not matter). */
export function requestFingerprint(request: Record<string, unknown>): Promise<string> {
  // A flat object: the key list sorts its properties (and would drop nested objects' keys).
  return sha256Hex(JSON.stringify(request, Object.keys(request).sort()));
}

/**
 * The job an earlier request with this key created, when the fingerprints match; throws 409 when they do
 * not; null when the key is new (or older than `ttlMs`, and then forgotten).
 */
export async function replayedJob(
  db: D1Database,
  tenant: string,
  key: string,
  fingerprint: string,
  ttlMs: number,
  now = Date.now(),
): Promise<JobRecord | null> {
  const row = await db
    .prepare("SELECT fingerprint, job_id, created_at FROM idempotency_keys WHERE tenant = ? AND key = ?")
    .bind(tenant, key)
    .first<{ fingerprint: string; job_id: string; created_at: string }>();
  if (!row) return null;
  if (now - Date.parse(row.created_at) > ttlMs) {
    await db.prepare("DELETE FROM idempotency_keys WHERE tenant = ? AND key = ?").bind(tenant, key).run();
    return null;
  }
  if (row.fingerprint !== fingerprint) throw problems.idempotencyConflict(key);
  return findJob(db, tenant, row.job_id);
}

/** Forgets the keys created before `before` (the sweeper's part); resolves with how many. */
export async function deleteExpiredIdempotencyKeys(db: D1Database, before: Date): Promise<number> {
  const result = await db
    .prepare("DELETE FROM idempotency_keys WHERE created_at < ?")
    .bind(before.toISOString())
    .run();
  return result.meta.changes;
}
