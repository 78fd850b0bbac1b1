/**
 * @module DELETE /v1/translations/{id}: cancel a queued job, or delete a finished one and its outputs; and its
 * input too when asked.
 */
import { edgeConfig } from "../config/edge-config.ts";
import { problems } from "../problems/api-problem.ts";
import { objectStore } from "../storage/object-store.ts";
import { eraseUpload } from "../uploads/erase-upload.ts";
import { findUpload } from "../uploads/upload-store.ts";
import { announceJobEvent } from "../webhooks/announce.ts";
import { cancelJob, deleteJob, findJob, isFinished, type JobRecord, outputKeys } from "./job-store.ts";

/**
 * A queued job is canceled (and resolves with it); a finished one loses its output objects and its record
 * (resolves with null); a running one cannot be stopped (409). The upload stays for other translations
 * unless `deleteInput`: then it is erased as DELETE /v1/uploads/{id} does.
 *
 * @example
 * const canceled = await deleteTranslation(env, principal.tenant, id, { deleteInput: false });
 */
export async function deleteTranslation(
  env: Env,
  tenant: string,
  id: string,
  options: { deleteInput: boolean },
): Promise<JobRecord | null> {
  const job = await findJob(env.DB, tenant, id);
  if (!job) throw problems.notFound(`no translation ${id}`);
  let canceled: JobRecord | null = null;
  if (job.status === "queued") {
    canceled = await cancelJob(env.DB, tenant, id);
    if (!canceled) return deleteTranslation(env, tenant, id, options); // it started meanwhile
    await announceJobEvent(env, canceled, "completed");
  } else if (!isFinished(job)) {
    throw problems.jobRunning(id);
  } else {
    await deleteFinishedJob(env, job);
  }
  if (options.deleteInput) {
    const upload = await findUpload(env.DB, tenant, job.upload_id);
    if (upload) await eraseUpload(env, upload);
  }
  return canceled;
}

/** Deletes a finished job's outputs, then its record (with its Idempotency-Keys and webhook deliveries). */
export async function deleteFinishedJob(env: Env, job: JobRecord): Promise<void> {
  await objectStore(edgeConfig(env).storage).delete(outputKeys(job));
  await deleteJob(env.DB, job.tenant, job.id);
}
