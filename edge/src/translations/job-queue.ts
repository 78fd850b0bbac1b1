/**
 * @module Asynchronous jobs through the Cloudflare Queue: the consumer calls the worker, retries what may
 * succeed later with exponential backoff, and the dead-letter consumer fails what never did.
 */
import { edgeConfig } from "../config/edge-config.ts";
import type { WorkerFailure } from "../worker-client/worker-client.ts";
import { claimJob, failJob, findJobById, type JobRecord } from "./job-store.ts";
import { attemptJob } from "./run-job.ts";

export interface JobMessage {
  job_id: string;
  request_id: string;
}

/** The longest the consumer waits between two attempts. */
const MAX_RETRY_DELAY_SECONDS = 600;

/** Seconds before attempt `attempts + 1`: base × 2^(attempts − 1), at least what the worker asked for. */
export function retryDelaySeconds(attempts: number, baseSeconds: number, retryAfterSeconds = 0): number {
  const backoff = baseSeconds * 2 ** Math.max(0, attempts - 1);
  return Math.min(MAX_RETRY_DELAY_SECONDS, Math.max(backoff, retryAfterSeconds));
}

/** How long a running job may stay silent before another consumer may take it over. */
export function leaseMs(env: Env): number {
  return edgeConfig(env).worker.timeoutMs + 30_000;
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
    const delaySeconds = retryDelaySeconds(
      job.attempts,
      edgeConfig(env).retryBaseDelaySeconds,
      outcome.retryAfterSeconds,
    );
    message.retry({ delaySeconds });
  } else {
    message.ack();
  }
}

async function failDeadLetter(message: Message<JobMessage>, env: Env): Promise<void> {
  const { job_id: id, request_id: requestId } = message.body;
  const job = await findJobById(env.DB, id);
  if (job) {
    const last = job.last_error ? (JSON.parse(job.last_error) as WorkerFailure) : undefined;
    const error: WorkerFailure = {
      type: last?.type ?? "https://ugatit.dev/problems/worker-unavailable",
      title: "Translation failed after retries",
      detail: `gave up after ${job.attempts} attempt${job.attempts === 1 ? "" : "s"}${last ? `; the last: ${last.detail}` : ""}`,
    };
    if (await failJob(env.DB, id, error))
      log("error", "job dead-lettered", { job_id: id, request_id: requestId, error });
  }
  message.ack();
}

function log(level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown>): void {
  console[level === "info" ? "log" : level](JSON.stringify({ level, msg, ...fields }));
}
