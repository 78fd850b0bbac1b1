/** @module One attempt at a claimed job: the worker call, and the state it leaves the job in. */
import { edgeConfig } from "../config/edge-config.ts";
import { announceJobEvent } from "../webhooks/announce.ts";
import { inferOnWorker, WorkerCallError } from "../worker-client/worker-client.ts";
import { completeJob, failJob, type JobRecord, requeueJob } from "./job-store.ts";
import { gaveUp, retryDelaySeconds, withinRetryBudget } from "./retry-policy.ts";

export type AttemptOutcome =
  | { kind: "succeeded"; job: JobRecord }
  | { kind: "failed"; job: JobRecord }
  /** Worth another try: the job is queued again, its next attempt due in `delaySeconds`. */
  | { kind: "retry"; job: JobRecord; delaySeconds: number }
  /** The job changed under us (canceled, finished elsewhere): nothing to do. */
  | { kind: "gone" };

/**
 * Sends a running job to the worker. Success → succeeded; a 4xx or malformed answer → failed with the
 * worker's reason; unreachable, slow, loading or 5xx → queued again with a backoff delay while the retry
 * budget lasts, failed after. The upload is never touched.
 *
 * @example
 * const outcome = await attemptJob(env, claimed, { timeoutMs: 30_000 });
 */
export async function attemptJob(
  env: Env,
  job: JobRecord,
  options: { timeoutMs: number; requestId?: string },
): Promise<AttemptOutcome> {
  const config = edgeConfig(env);
  if (job.attempts === 1) await announceJobEvent(env, job, "started");
  try {
    const result = await inferOnWorker(
      config.worker,
      {
        job_id: job.id,
        model: job.model,
        direction: job.direction,
        input_key: job.input_key,
        output_keys: { image: job.image_key, ...(job.heatmap_key ? { heatmap: job.heatmap_key } : {}) },
        output_format: job.format,
        resize: job.resize,
        ...(job.framing ? { framing: job.framing } : {}),
        compose: job.compose,
      },
      { requestId: options.requestId ?? job.request_id, timeoutMs: options.timeoutMs },
    );
    const done = await completeJob(env.DB, job.id, {
      model: result.model,
      camLogit: result.cam_logit,
      framing: result.framing,
    });
    if (!done) return { kind: "gone" };
    await announceJobEvent(env, done, "completed");
    return { kind: "succeeded", job: done };
  } catch (error) {
    if (!(error instanceof WorkerCallError)) throw error;
    const now = Date.now();
    if (!error.retryable || !withinRetryBudget(config.retry, job, now)) {
      const reason = error.retryable ? gaveUp(job, error.failure) : error.failure;
      const failed = await failJob(env.DB, job.id, reason);
      if (!failed) return { kind: "gone" };
      await announceJobEvent(env, failed, "completed");
      return { kind: "failed", job: failed };
    }
    const delaySeconds = retryDelaySeconds(config.retry, job.attempts, error.retryAfterSeconds);
    const queued = await requeueJob(env.DB, job.id, error.failure, new Date(now + delaySeconds * 1000));
    return queued ? { kind: "retry", job: queued, delaySeconds } : { kind: "gone" };
  }
}
