/**
 * @module Asynchronous jobs through the Cloudflare Queue: the consumer calls the worker, retries what may
 * succeed later with backoff (see retry-policy.ts), and the dead-letter consumer fails what never did.
 */
import { edgeConfig } from "../config/edge-config.ts";
import { log } from "../observability/log.ts";
import { announceJobEvent } from "../webhooks/announce.ts";
import type { WorkerFailure } from "../worker-client/worker-client.ts";
import { claimJob, failJob, findJobById, type JobRecord } from "./job-store.ts";
import { MAX_WAIT_SECONDS } from "./prefer.ts";
import { gaveUp } from "./retry-policy.ts";
import { attemptJob } from "./run-job.ts";

export interface JobMessage {
  job_id: string;
  request_id: string;
}

/**
 * How long a running job may stay silent before it counts as abandoned: the longest a worker call may
 * take (asynchronous or synchronous), and a margin.
 */
export function leaseMs(env: Env): number {
  return Math.max(edgeConfig(env).worker.timeoutMs, MAX_WAIT_SECONDS * 1000) + 30_000;
}

export async function enqueueJob(env: Env, job: JobRecord, delaySeconds = 0): Promise<void> {
  const message: JobMessage = { job_id: job.id, request_id: job.request_id };
  await env.JOBS.send(message, delaySeconds > 0 ? { delaySeconds } : {});
}

/**
 * The consumer of both queues: by convention the dead-letter queue's name ends in `-dlq`.
 *
 * @example
 * export default { fetch: app.fetch, queue: consumeJobQueue } satisfies ExportedHandler<Env, JobMessage>;
 */
export async function consumeJobQueue(batch: MessageBatch<JobMessage>, env: Env): Promise<void> {
  const consume = batch.queue.endsWith("-dlq") ? failDeadLetter : attemptMessage;
  await Promise.all(batch.messages.map((message) => consume(message, env)));
}

async function attemptMessage(message: Message<JobMessage>, env: Env): Promise<void> {
  const { job_id: id, request_id: requestId } = message.body;
  const job = await claimJob(env.DB, id, leaseMs(env));
  if (!job) {
    const current = await findJobById(env.DB, id);
    // Someone else is running it: look again once their lease is over; otherwise it is done, canceled or gone.
    if (current?.status === "running") message.retry({ delaySeconds: Math.ceil(leaseMs(env) / 1000) });
    else message.ack();
    return;
  }
  const outcome = await attemptJob(env, job, { timeoutMs: edgeConfig(env).worker.timeoutMs, requestId });
  log(outcome.kind === "retry" ? "warn" : "info", "job attempt", {
    job_id: id,
    request_id: requestId,
    attempt: job.attempts,
    outcome: outcome.kind,
    ...(outcome.kind === "retry" || outcome.kind === "failed"
      ? { error: outcome.job.last_error ?? outcome.job.error }
      : {}),
  });
  if (outcome.kind === "retry") {
    message.retry({ delaySeconds: outcome.delaySeconds });
  } else {
    message.ack();
  }
}

async function failDeadLetter(message: Message<JobMessage>, env: Env): Promise<void> {
  const { job_id: id, request_id: requestId } = message.body;
  const job = await findJobById(env.DB, id);
  if (job) {
    const last = job.last_error ? (JSON.parse(job.last_error) as WorkerFailure) : undefined;
    const error = gaveUp(job, last);
    const failed = await failJob(env.DB, id, error);
    if (failed) {
      log("error", "job dead-lettered", { job_id: id, request_id: requestId, error });
      await announceJobEvent(env, failed, "completed");
    }
  }
  message.ack();
}
