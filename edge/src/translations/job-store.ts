/** @module The jobs table and its state changes, each guarded by the state it leaves. */
import type { Direction } from "@ugatit/contracts/directions";
import type { Compose, Framing, FramingResult } from "@ugatit/contracts/protocol";
import type { WorkerFailure } from "../worker-client/worker-client.ts";
import type { JobStatus } from "./schemas.ts";

export interface JobRecord {
  id: string;
  tenant: string;
  upload_id: string;
  status: JobStatus;
  direction: Direction;
  model: string;
  /** Comma-separated output kinds. */
  outputs: string;
  format: "png" | "jpeg" | "webp";
  resize: "fit" | "crop";
  /** Asked for, or null for the model's default; once succeeded, the framing used. */
  framing: Framing | null;
  compose: Compose;
  /** JSON `[x, y, width, height]`, once succeeded. */
  framing_box: string | null;
  input_key: string;
  image_key: string;
  heatmap_key: string | null;
  /** JSON `[number, number]`. */
  cam_logit: string | null;
  /** JSON {@link WorkerFailure}. */
  error: string | null;
  attempts: number;
  last_error: string | null;
  request_id: string;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  /** When a message for this queued job is due at the consumer; null before the migration added it. */
  due_at: string | null;
  webhook_url: string | null;
  /** Comma-separated {@link WebhookEvent}s. */
  webhook_events: string | null;
}

const COLUMNS: (keyof JobRecord)[] = [
  "id",
  "tenant",
  "upload_id",
  "status",
  "direction",
  "model",
  "outputs",
  "format",
  "resize",
  "framing",
  "compose",
  "framing_box",
  "input_key",
  "image_key",
  "heatmap_key",
  "cam_logit",
  "error",
  "attempts",
  "last_error",
  "request_id",
  "created_at",
  "started_at",
  "completed_at",
  "due_at",
  "webhook_url",
  "webhook_events",
];

export interface IdempotencyRecord {
  key: string;
  fingerprint: string;
}

/**
 * Inserts the job, and its Idempotency-Key in the same transaction; false when that key is taken already.
 */
export async function insertJob(
  db: D1Database,
  job: JobRecord,
  idempotency?: IdempotencyRecord,
): Promise<boolean> {
  const insert = db
    .prepare(`INSERT INTO jobs (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`)
    .bind(...COLUMNS.map((c) => job[c]));
  if (!idempotency) {
    await insert.run();
    return true;
  }
  try {
    await db.batch([
      insert,
      db
        .prepare(
          "INSERT INTO idempotency_keys (tenant, key, fingerprint, job_id, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(job.tenant, idempotency.key, idempotency.fingerprint, job.id, job.created_at),
    ]);
    return true;
  } catch (error) {
    if (String(error).includes("UNIQUE constraint failed")) return false;
    throw error;
  }
}

/** The tenant's job `id`, or null: another tenant's job is as absent as none. */
export function findJob(db: D1Database, tenant: string, id: string): Promise<JobRecord | null> {
  return db.prepare("SELECT * FROM jobs WHERE tenant = ? AND id = ?").bind(tenant, id).first<JobRecord>();
}

export function findJobById(db: D1Database, id: string): Promise<JobRecord | null> {
  return db.prepare("SELECT * FROM jobs WHERE id = ?").bind(id).first<JobRecord>();
}

/**
 * Takes a queued job (or one whose runner went silent for `leaseMs`) to running, counting the attempt;
 * null when it is not there to take.
 */
export function claimJob(
  db: D1Database,
  id: string,
  leaseMs: number,
  now = new Date(),
): Promise<JobRecord | null> {
  return db
    .prepare(
      `UPDATE jobs SET status = 'running', started_at = ?1, attempts = attempts + 1
       WHERE id = ?2 AND (status = 'queued' OR (status = 'running' AND started_at < ?3)) RETURNING *`,
    )
    .bind(now.toISOString(), id, new Date(now.getTime() - leaseMs).toISOString())
    .first<JobRecord>();
}

export async function completeJob(
  db: D1Database,
  id: string,
  result: { model: string; camLogit: [number, number]; framing: FramingResult },
  now = new Date(),
): Promise<JobRecord | null> {
  return db
    .prepare(
      `UPDATE jobs SET status = 'succeeded', model = ?, cam_logit = ?, framing = ?, framing_box = ?,
       completed_at = ?, error = NULL WHERE id = ? AND status = 'running' RETURNING *`,
    )
    .bind(
      result.model,
      JSON.stringify(result.camLogit),
      result.framing.mode,
      JSON.stringify(result.framing.box),
      now.toISOString(),
      id,
    )
    .first<JobRecord>();
}

/** Ends a job that is not finished yet as failed. */
export function failJob(
  db: D1Database,
  id: string,
  error: WorkerFailure,
  now = new Date(),
): Promise<JobRecord | null> {
  return db
    .prepare(
      `UPDATE jobs SET status = 'failed', error = ?, completed_at = ?
       WHERE id = ? AND status IN ('queued', 'running') RETURNING *`,
    )
    .bind(JSON.stringify(error), now.toISOString(), id)
    .first<JobRecord>();
}

/** Back to queued after a failure worth retrying, remembering it; its next message is due at `dueAt`. */
export function requeueJob(
  db: D1Database,
  id: string,
  error: WorkerFailure,
  dueAt: Date,
): Promise<JobRecord | null> {
  return db
    .prepare(
      `UPDATE jobs SET status = 'queued', last_error = ?, due_at = ?
       WHERE id = ? AND status = 'running' RETURNING *`,
    )
    .bind(JSON.stringify(error), dueAt.toISOString(), id)
    .first<JobRecord>();
}

/**
 * The tenant's jobs, newest first (ids are ULIDs, so id order is creation order), from just below `before`.
 */
export async function listJobs(
  db: D1Database,
  tenant: string,
  limit: number,
  before?: string,
): Promise<JobRecord[]> {
  const statement = before
    ? db
        .prepare("SELECT * FROM jobs WHERE tenant = ? AND id < ? ORDER BY id DESC LIMIT ?")
        .bind(tenant, before, limit)
    : db.prepare("SELECT * FROM jobs WHERE tenant = ? ORDER BY id DESC LIMIT ?").bind(tenant, limit);
  return (await statement.all<JobRecord>()).results;
}

/** Cancels the tenant's job if it is still queued; null otherwise. */
export function cancelJob(
  db: D1Database,
  tenant: string,
  id: string,
  now = new Date(),
): Promise<JobRecord | null> {
  return db
    .prepare(
      `UPDATE jobs SET status = 'canceled', completed_at = ?
       WHERE tenant = ? AND id = ? AND status = 'queued' RETURNING *`,
    )
    .bind(now.toISOString(), tenant, id)
    .first<JobRecord>();
}

/** Forgets a finished job, the idempotency keys that pointed at it and its webhook deliveries. */
export async function deleteJob(db: D1Database, tenant: string, id: string): Promise<void> {
  await db.batch([
    db.prepare("DELETE FROM idempotency_keys WHERE tenant = ? AND job_id = ?").bind(tenant, id),
    db.prepare("DELETE FROM webhook_deliveries WHERE tenant = ? AND job_id = ?").bind(tenant, id),
    db
      .prepare(
        "DELETE FROM jobs WHERE tenant = ? AND id = ? AND status IN ('succeeded', 'failed', 'canceled')",
      )
      .bind(tenant, id),
  ]);
}

/** The objects the worker wrote for the job. */
export function outputKeys(job: JobRecord): string[] {
  return [job.image_key, job.heatmap_key].filter((k): k is string => k !== null);
}

/** Finished jobs completed before `before`, oldest first. */
export async function findExpiredJobs(db: D1Database, before: Date, limit: number): Promise<JobRecord[]> {
  return (
    await db
      .prepare(
        `SELECT * FROM jobs WHERE status IN ('succeeded', 'failed', 'canceled') AND completed_at < ?
         ORDER BY completed_at LIMIT ?`,
      )
      .bind(before.toISOString(), limit)
      .all<JobRecord>()
  ).results;
}

export function isFinished(job: JobRecord): boolean {
  return job.status === "succeeded" || job.status === "failed" || job.status === "canceled";
}

/** When unfinished jobs count as stuck: running since before `leaseBefore`, or queued and due before `dueBefore`. */
export interface StuckCutoffs {
  leaseBefore: Date;
  dueBefore: Date;
}

const STUCK = `((status = 'running' AND started_at < ?1) OR (status = 'queued' AND COALESCE(due_at, created_at) < ?2))`;

const cutoffs = (c: StuckCutoffs) => [c.leaseBefore.toISOString(), c.dueBefore.toISOString()];

/** Jobs whose runner went silent past its lease, or whose queue message never arrived, oldest first. */
export async function findStuckJobs(db: D1Database, c: StuckCutoffs, limit: number): Promise<JobRecord[]> {
  return (
    await db
      .prepare(`SELECT * FROM jobs WHERE ${STUCK} ORDER BY id LIMIT ?3`)
      .bind(...cutoffs(c), limit)
      .all<JobRecord>()
  ).results;
}

/** Queues a job that is still stuck again, remembering why; its message is due at `dueAt`. */
export function requeueStuckJob(
  db: D1Database,
  id: string,
  c: StuckCutoffs,
  reason: WorkerFailure,
  dueAt: Date,
): Promise<JobRecord | null> {
  return db
    .prepare(
      `UPDATE jobs SET status = 'queued', last_error = ?3, due_at = ?4 WHERE id = ?5 AND ${STUCK} RETURNING *`,
    )
    .bind(...cutoffs(c), JSON.stringify(reason), dueAt.toISOString(), id)
    .first<JobRecord>();
}

/** Fails a job that is still stuck. */
export function failStuckJob(
  db: D1Database,
  id: string,
  c: StuckCutoffs,
  error: WorkerFailure,
  now: Date,
): Promise<JobRecord | null> {
  return db
    .prepare(
      `UPDATE jobs SET status = 'failed', error = ?3, completed_at = ?4 WHERE id = ?5 AND ${STUCK} RETURNING *`,
    )
    .bind(...cutoffs(c), JSON.stringify(error), now.toISOString(), id)
    .first<JobRecord>();
}
