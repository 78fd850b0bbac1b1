/**
 * @module POST /v1/translations: verify the upload, record the job (idempotently), then either run it while
 * the client waits (`Prefer: wait=N`) or hand it to the queue.
 */
import { ulid } from "ulid";
import type { Principal } from "../auth/principal.ts";
import { edgeConfig } from "../config/edge-config.ts";
import { problems } from "../problems/api-problem.ts";
import { outputObjectKeys } from "../storage/object-keys.ts";
import { objectStore } from "../storage/object-store.ts";
import type { UploadRecord } from "../uploads/upload-store.ts";
import { verifyUploadedImage } from "../uploads/verify-upload.ts";
import { announceJobEvent } from "../webhooks/announce.ts";
import { webhookUrlRefusal } from "../webhooks/webhook-url.ts";
import { ANSWER_GRACE_MS } from "../worker-client/worker-client.ts";
import { replayedJob, requestFingerprint } from "./idempotency.ts";
import { enqueueJob } from "./job-queue.ts";
import { claimJob, failJob, insertJob, type JobRecord } from "./job-store.ts";
import { attemptJob } from "./run-job.ts";
import type { TranslationOptions } from "./schemas.ts";
import { discardReceived, type TranslationInput } from "./translation-input.ts";

/** Below this much time left of the client's wait, a synchronous attempt is not worth starting. */
const MIN_SYNC_MS = ANSWER_GRACE_MS + 250;

export interface TranslationCall {
  requestId: string;
  idempotencyKey?: string | undefined;
  /** From `Prefer: wait=N`; 0 for asynchronous. */
  waitSeconds: number;
  /** When the request arrived (ms), so the wait counts from there. */
  receivedAt: number;
}

export interface CreatedTranslation {
  job: JobRecord;
  /** An earlier request with the same Idempotency-Key created it. */
  replayed: boolean;
}

/**
 * The job for `input`: a new one, or the one an earlier request with the same Idempotency-Key created. An
 * image received in this request's body is deleted again when the request is refused or replayed.
 *
 * @example
 * const { job } = await createTranslation(env, principal, input, { requestId, waitSeconds: 10, receivedAt });
 */
export async function createTranslation(
  env: Env,
  principal: Principal,
  input: TranslationInput,
  call: TranslationCall,
): Promise<CreatedTranslation> {
  const idempotency = call.idempotencyKey
    ? { key: call.idempotencyKey, fingerprint: await requestFingerprint(input.meaning) }
    : undefined;
  try {
    checkWebhook(env, principal, input.options.webhook);
    const created = await createJob(env, principal, input.upload, input.options, call, idempotency);
    if (created.replayed) await discardReceived(env, input); // the earlier request stored the same image
    return created;
  } catch (error) {
    await discardReceived(env, input); // refused, or conflicting: nothing refers to the image received
    throw error;
  }
}

/** Refuses (before any work) a webhook the tenant may not have, or one aimed where webhooks may not go. */
function checkWebhook(env: Env, principal: Principal, url: string | undefined): void {
  if (url === undefined) return;
  if (principal.anonymous) throw problems.forbidden("webhooks need an API key");
  const refusal = webhookUrlRefusal(url, { allowLocal: edgeConfig(env).webhooks.allowLocal });
  if (refusal) throw problems.webhookRefused(refusal);
}

async function createJob(
  env: Env,
  principal: Principal,
  upload: UploadRecord,
  options: TranslationOptions,
  call: TranslationCall,
  idempotency: { key: string; fingerprint: string } | undefined,
): Promise<CreatedTranslation> {
  if (idempotency) {
    const ttlMs = edgeConfig(env).retention.idempotencyKeyHours * 3600_000;
    const earlier = await replayedJob(
      env.DB,
      principal.tenant,
      idempotency.key,
      idempotency.fingerprint,
      ttlMs,
    );
    if (earlier) return { job: earlier, replayed: true };
  }
  const config = edgeConfig(env);
  await verifyUploadedImage(objectStore(config.storage), upload);

  const job = newJobRecord(principal.tenant, upload, options, {
    defaultModel: config.defaultModel,
    requestId: call.requestId,
  });
  if (!(await insertJob(env.DB, job, idempotency))) {
    // A concurrent request with the same key won the race: answer as its replay (or its conflict).
    return createJob(env, principal, upload, options, call, idempotency);
  }
  const remainingMs = call.receivedAt + call.waitSeconds * 1000 - Date.now();
  if (remainingMs >= MIN_SYNC_MS)
    return { job: await runWhileWaiting(env, job, remainingMs), replayed: false };
  await enqueueOrFail(env, job);
  return { job, replayed: false };
}

/** A queued job translating `upload` with `options`, its outputs under the tenant's prefix. */
export function newJobRecord(
  tenant: string,
  upload: UploadRecord,
  options: TranslationOptions,
  context: { defaultModel: string; requestId: string },
  now = new Date(),
): JobRecord {
  const id = ulid(now.getTime());
  const outputs = outputObjectKeys(tenant, id, options.format, options.outputs.includes("heatmap"));
  return {
    id,
    tenant,
    upload_id: upload.id,
    status: "queued",
    direction: options.direction,
    model: options.model ?? context.defaultModel,
    outputs: options.outputs.join(","),
    format: options.format,
    resize: options.resize,
    framing: options.framing ?? null,
    compose: options.compose,
    framing_box: null,
    input_key: upload.object_key,
    image_key: outputs.image,
    heatmap_key: outputs.heatmap ?? null,
    cam_logit: null,
    error: null,
    attempts: 0,
    last_error: null,
    request_id: context.requestId,
    created_at: now.toISOString(),
    started_at: null,
    completed_at: null,
    due_at: now.toISOString(),
    webhook_url: options.webhook ?? null,
    webhook_events: options.webhook ? options.webhook_events.join(",") : null,
  };
}

/** Runs the job within the client's wait; what does not finish in time goes on to the queue. */
async function runWhileWaiting(env: Env, job: JobRecord, remainingMs: number): Promise<JobRecord> {
  const claimed = await claimJob(env.DB, job.id, remainingMs);
  if (!claimed) return job;
  // The worker's deadline leaves it time to say 504 before the client's wait is over.
  const outcome = await attemptJob(env, claimed, { timeoutMs: remainingMs - ANSWER_GRACE_MS });
  if (outcome.kind === "gone") return job;
  if (outcome.kind === "retry") await enqueueOrFail(env, outcome.job, outcome.delaySeconds);
  return outcome.job;
}

async function enqueueOrFail(env: Env, job: JobRecord, delaySeconds = 0): Promise<void> {
  try {
    await enqueueJob(env, job, delaySeconds);
  } catch (error) {
    const failed = await failJob(env.DB, job.id, {
      type: "https://ugatit.dev/problems/queue-unavailable",
      title: "Could not queue the translation",
      detail: "the job queue refused the job; retry the request",
    });
    if (failed) await announceJobEvent(env, failed, "completed");
    throw error;
  }
}
