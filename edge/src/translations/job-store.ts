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

/** Back to queued after a failure worth retrying, remembering it. */
export function requeueJob(db: D1Database, id: string, error: WorkerFailure): Promise<JobRecord | null> {
  return db
    .prepare(
      `UPDATE jobs SET status = 'queued', last_error = ? WHERE id = ? AND status = 'running' RETURNING *`,
    )
    .bind(JSON.stringify(error), id)
    .first<JobRecord>();
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

/** Forgets a finished job, and the idempotency keys that pointed at it. */
export async function deleteJob(db: D1Database, tenant: string, id: string): Promise<void> {
  await db.batch([
    db.prepare("DELETE FROM idempotency_keys WHERE tenant = ? AND job_id = ?").bind(tenant, id),
    db
      .prepare(
        "DELETE FROM jobs WHERE tenant = ? AND id = ? AND status IN ('succeeded', 'failed', 'canceled')",
      )
      .bind(tenant, id),
  ]);
}

export function isFinished(job: JobRecord): boolean {
  return job.status === "succeeded" || job.status === "failed" || job.status === "canceled";
}
