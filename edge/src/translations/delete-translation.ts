/** @module DELETE /v1/translations/{id}: cancel a queued job, or delete a finished one and its outputs. */
import { edgeConfig } from "../config/edge-config.ts";
import { problems } from "../problems/api-problem.ts";
import { objectStore } from "../storage/object-store.ts";
import { announceJobEvent } from "../webhooks/announce.ts";
import { cancelJob, deleteJob, findJob, isFinished, type JobRecord } from "./job-store.ts";

/**
 * A queued job is canceled (and resolves with it); a finished one loses its output objects and its record
 * (resolves with null); a running one cannot be stopped (409). The upload stays for other translations.
 *
 * @example
 * const canceled = await deleteTranslation(env, principal.tenant, id);
 */
export async function deleteTranslation(env: Env, tenant: string, id: string): Promise<JobRecord | null> {
  const job = await findJob(env.DB, tenant, id);
  if (!job) throw problems.notFound(`no translation ${id}`);
  if (job.status === "queued") {
    const canceled = await cancelJob(env.DB, tenant, id);
    if (canceled) {
      await announceJobEvent(env, canceled, "completed");
      return canceled;
    }
    return deleteTranslation(env, tenant, id); // it started meanwhile
  }
  if (!isFinished(job)) throw problems.jobRunning(id);
  const keys = [job.image_key, job.heatmap_key].filter((k): k is string => k !== null);
  await objectStore(edgeConfig(env).storage).delete(keys);
  await deleteJob(env.DB, tenant, id);
  return null;
}
