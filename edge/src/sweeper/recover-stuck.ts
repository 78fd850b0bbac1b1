/**
 * @module Recovery, the sweeper's first part: no job stays queued or running forever, and no webhook
 * delivery waits on a lost message. A job whose runner went silent past its lease (an edge invocation that
 * ended early) or whose queue message was never taken is queued again while its retry budget lasts, and
 * failed after; the reason is kept on the job.
 */
import { edgeConfig } from "../config/edge-config.ts";
import { log } from "../observability/log.ts";
import { enqueueJob, leaseMs } from "../translations/job-queue.ts";
import {
  failStuckJob,
  findStuckJobs,
  type JobRecord,
  requeueStuckJob,
  type StuckCutoffs,
} from "../translations/job-store.ts";
import { gaveUp, withinRetryBudget } from "../translations/retry-policy.ts";
import { announceJobEvent, sendDelivery } from "../webhooks/announce.ts";
import { overdueDeliveries, rescheduleDelivery } from "../webhooks/delivery-store.ts";
import type { WorkerFailure } from "../worker-client/worker-client.ts";

/** Rows looked at per run: a run every minute catches up with a backlog over a few. */
const BATCH = 100;

export interface RecoveryReport {
  requeued: string[];
  failed: string[];
  /** Webhook deliveries whose message was sent again. */
  redelivered: string[];
}

/**
 * @example
 * const { requeued, failed } = await recoverStuck(env, controller.scheduledTime);
 */
export async function recoverStuck(env: Env, now = Date.now()): Promise<RecoveryReport> {
  const graceMs = edgeConfig(env).queuedGraceSeconds * 1000;
  const cutoffs: StuckCutoffs = {
    leaseBefore: new Date(now - leaseMs(env)),
    dueBefore: new Date(now - graceMs),
  };
  const report: RecoveryReport = { requeued: [], failed: [], redelivered: [] };
  for (const job of await findStuckJobs(env.DB, cutoffs, BATCH)) {
    const outcome = await recover(env, job, cutoffs, now);
    if (outcome) report[outcome].push(job.id);
  }
  for (const delivery of await overdueDeliveries(env.DB, cutoffs.dueBefore, BATCH)) {
    await rescheduleDelivery(env.DB, delivery.id, new Date(now));
    await sendDelivery(env, delivery.id);
    report.redelivered.push(delivery.id);
  }
  return report;
}

function whyStuck(job: JobRecord, env: Env): WorkerFailure {
  return job.status === "running"
    ? {
        type: "https://ugatit.dev/problems/attempt-abandoned",
        title: "Translation attempt abandoned",
        detail: `the attempt started at ${job.started_at} stopped answering; its ${leaseMs(env) / 1000} s lease ran out`,
      }
    : {
        type: "https://ugatit.dev/problems/queue-message-lost",
        title: "Translation not picked up",
        detail: `its queue message, due at ${job.due_at ?? job.created_at}, was not taken within ${edgeConfig(env).queuedGraceSeconds} s`,
      };
}

async function recover(
  env: Env,
  job: JobRecord,
  cutoffs: StuckCutoffs,
  now: number,
): Promise<"requeued" | "failed" | null> {
  const reason = whyStuck(job, env);
  if (!withinRetryBudget(edgeConfig(env).retry, job, now)) {
    const failed = await failStuckJob(env.DB, job.id, cutoffs, gaveUp(job, reason), new Date(now));
    if (!failed) return null;
    await announceJobEvent(env, failed, "completed");
    return "failed";
  }
  const queued = await requeueStuckJob(env.DB, job.id, cutoffs, reason, new Date(now));
  if (!queued) return null;
  try {
    await enqueueJob(env, queued);
  } catch (error) {
    // still queued and due: the next run finds it again once the grace has passed
    log("error", "sweeper could not queue", { job_id: job.id, error: String(error) });
  }
  return "requeued";
}
