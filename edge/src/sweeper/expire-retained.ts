/**
 * @module Retention, the sweeper's second part: uploads, finished jobs with their outputs, and
 * Idempotency-Keys are deleted once older than their configured hours. Objects go before their rows, so a
 * failure leaves the row for the next run to try again.
 */
import { edgeConfig } from "../config/edge-config.ts";
import { deleteFinishedJob } from "../translations/delete-translation.ts";
import { deleteExpiredIdempotencyKeys } from "../translations/idempotency.ts";
import { findExpiredJobs } from "../translations/job-store.ts";
import { eraseUpload } from "../uploads/erase-upload.ts";
import { findExpiredUploads } from "../uploads/upload-store.ts";

/** Rows deleted per run and kind, one object at a time, within a Cron invocation's subrequest limits. */
const BATCH = 50;
const HOUR_MS = 3600_000;

export interface RetentionReport {
  jobs: string[];
  uploads: string[];
  idempotencyKeys: number;
}

/**
 * @example
 * const { jobs, uploads } = await expireRetained(env, controller.scheduledTime);
 */
export async function expireRetained(env: Env, now = Date.now()): Promise<RetentionReport> {
  const { retention } = edgeConfig(env);
  const jobs = await findExpiredJobs(env.DB, new Date(now - retention.jobHours * HOUR_MS), BATCH);
  for (const job of jobs) await deleteFinishedJob(env, job);
  const uploads = await findExpiredUploads(env.DB, new Date(now - retention.uploadHours * HOUR_MS), BATCH);
  for (const upload of uploads) await eraseUpload(env, upload);
  const idempotencyKeys = await deleteExpiredIdempotencyKeys(
    env.DB,
    new Date(now - retention.idempotencyKeyHours * HOUR_MS),
  );
  return { jobs: jobs.map((j) => j.id), uploads: uploads.map((u) => u.id), idempotencyKeys };
}
