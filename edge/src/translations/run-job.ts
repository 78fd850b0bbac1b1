/** @module One attempt at a claimed job: the worker call, and the state it leaves the job in. */
import { edgeConfig } from "../config/edge-config.ts";
import { inferOnWorker, WorkerCallError } from "../worker-client/worker-client.ts";
import { completeJob, failJob, type JobRecord, requeueJob } from "./job-store.ts";

export type AttemptOutcome =
  | { kind: "succeeded"; job: JobRecord }
  | { kind: "failed"; job: JobRecord }
  /** Worth another try (the job is queued again); `retryAfterSeconds` when the worker asked for a pause. */
  | { kind: "retry"; job: JobRecord; retryAfterSeconds?: number }
  /** The job changed under us (canceled, finished elsewhere): nothing to do. */
  | { kind: "gone" };

/**
 * Sends a running job to the worker. Success → succeeded; a 4xx or malformed answer → failed with the
 * worker's reason; unreachable, slow or 5xx → queued again for a retry. The upload is never touched.
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
    return done ? { kind: "succeeded", job: done } : { kind: "gone" };
  } catch (error) {
    if (!(error instanceof WorkerCallError)) throw error;
    if (!error.retryable) {
      const failed = await failJob(env.DB, job.id, error.failure);
      return failed ? { kind: "failed", job: failed } : { kind: "gone" };
    }
    const queued = await requeueJob(env.DB, job.id, error.failure);
    if (!queued) return { kind: "gone" };
    return {
      kind: "retry",
      job: queued,
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    };
  }
}
