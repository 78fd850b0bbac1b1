/** @module The webhook_deliveries table: one row per event of a job, following its delivery attempts. */
import type { DeliveryStatus, WebhookType } from "./schemas.ts";

export interface DeliveryRecord {
  /** The webhook-id of every attempt. */
  id: string;
  job_id: string;
  tenant: string;
  url: string;
  type: WebhookType;
  occurred_at: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string;
  delivered_at: string | null;
}

/** Records the event; null when the job already had one of this type (an event is announced once). */
export function insertDelivery(db: D1Database, d: DeliveryRecord): Promise<DeliveryRecord | null> {
  return db
    .prepare(
      `INSERT INTO webhook_deliveries
         (id, job_id, tenant, url, type, occurred_at, status, attempts, last_error, next_attempt_at, delivered_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_id, type) DO NOTHING RETURNING *`,
    )
    .bind(
      d.id,
      d.job_id,
      d.tenant,
      d.url,
      d.type,
      d.occurred_at,
      d.status,
      d.attempts,
      d.last_error,
      d.next_attempt_at,
      d.delivered_at,
    )
    .first<DeliveryRecord>();
}

export function findDelivery(db: D1Database, id: string): Promise<DeliveryRecord | null> {
  return db.prepare("SELECT * FROM webhook_deliveries WHERE id = ?").bind(id).first<DeliveryRecord>();
}

export async function deliveriesOfJob(db: D1Database, jobId: string): Promise<DeliveryRecord[]> {
  return (
    await db
      .prepare("SELECT * FROM webhook_deliveries WHERE job_id = ? ORDER BY occurred_at, type DESC")
      .bind(jobId)
      .all<DeliveryRecord>()
  ).results;
}

/** The outcome of one attempt: delivered, or failed and due again at `nextAttemptAt` (null: given up). */
export async function recordAttempt(
  db: D1Database,
  id: string,
  outcome: { error: null; now: Date } | { error: string; nextAttemptAt: Date | null },
): Promise<void> {
  const statement =
    outcome.error === null
      ? db
          .prepare(
            `UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = ?
             WHERE id = ? AND status = 'pending'`,
          )
          .bind(outcome.now.toISOString(), id)
      : db
          .prepare(
            `UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, last_error = ?,
               next_attempt_at = COALESCE(?, next_attempt_at)
             WHERE id = ? AND status = 'pending'`,
          )
          .bind(
            outcome.nextAttemptAt ? "pending" : "failed",
            outcome.error,
            outcome.nextAttemptAt?.toISOString() ?? null,
            id,
          );
  await statement.run();
}

/** Pending deliveries whose next attempt was due before `before`: their queue message is lost. */
export async function overdueDeliveries(
  db: D1Database,
  before: Date,
  limit: number,
): Promise<DeliveryRecord[]> {
  return (
    await db
      .prepare(
        "SELECT * FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at < ? ORDER BY next_attempt_at LIMIT ?",
      )
      .bind(before.toISOString(), limit)
      .all<DeliveryRecord>()
  ).results;
}

/** Moves a pending delivery's due time, when the sweeper sends its message again. */
export async function rescheduleDelivery(db: D1Database, id: string, at: Date): Promise<void> {
  await db
    .prepare("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ? AND status = 'pending'")
    .bind(at.toISOString(), id)
    .run();
}
