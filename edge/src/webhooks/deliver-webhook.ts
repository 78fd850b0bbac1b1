/**
 * @module The webhooks queue's consumer: one signed POST per message (Standard Webhooks), retried on the
 * configured schedule, then given up.
 */
import { edgeConfig } from "../config/edge-config.ts";
import { log } from "../observability/log.ts";
import { findJobById } from "../translations/job-store.ts";
import { jobView } from "../translations/job-view.ts";
import type { WebhookMessage } from "./announce.ts";
import { type DeliveryRecord, findDelivery, recordAttempt } from "./delivery-store.ts";
import { tenantWebhookSecret, webhookSignature } from "./webhook-secret.ts";
import { webhookUrlRefusal } from "./webhook-url.ts";

/** How long a receiver has to answer. */
const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * @example
 * export default { queue: (batch, env) => consumeWebhookQueue(batch, env) };
 */
export async function consumeWebhookQueue(batch: MessageBatch<WebhookMessage>, env: Env): Promise<void> {
  await Promise.all(batch.messages.map((message) => deliverMessage(message, env)));
}

async function deliverMessage(message: Message<WebhookMessage>, env: Env): Promise<void> {
  const delivery = await findDelivery(env.DB, message.body.delivery_id);
  if (delivery?.status !== "pending") return message.ack(); // delivered, given up or deleted with its job
  const error = await attemptDelivery(env, delivery);
  const attempt = delivery.attempts + 1;
  if (error === null) {
    await recordAttempt(env.DB, delivery.id, { error: null, now: new Date() });
    log("info", "webhook delivered", { delivery_id: delivery.id, job_id: delivery.job_id, attempt });
    return message.ack();
  }
  const delaySeconds = error.final ? undefined : edgeConfig(env).webhooks.retryScheduleSeconds[attempt - 1];
  const nextAttemptAt = delaySeconds === undefined ? null : new Date(Date.now() + delaySeconds * 1000);
  await recordAttempt(env.DB, delivery.id, { error: error.reason, nextAttemptAt });
  log(nextAttemptAt ? "warn" : "error", "webhook not delivered", {
    delivery_id: delivery.id,
    job_id: delivery.job_id,
    attempt,
    error: error.reason,
    next_attempt_at: nextAttemptAt?.toISOString() ?? null,
  });
  if (delaySeconds === undefined) message.ack();
  else message.retry({ delaySeconds });
}

/** One POST of the event, the job as it is now; null when the receiver answered 2xx. */
async function attemptDelivery(
  env: Env,
  delivery: DeliveryRecord,
): Promise<{ reason: string; final: boolean } | null> {
  const refusal = webhookUrlRefusal(delivery.url, { allowLocal: edgeConfig(env).webhooks.allowLocal });
  if (refusal) return { reason: refusal, final: true };
  const job = await findJobById(env.DB, delivery.job_id);
  if (!job) return { reason: "the job was deleted", final: true };
  const body = JSON.stringify({
    type: delivery.type,
    timestamp: delivery.occurred_at,
    data: await jobView(env, job),
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const secret = await tenantWebhookSecret(env.DB, delivery.tenant);
  try {
    const response = await fetch(delivery.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "ugatit-webhooks/1",
        "webhook-id": delivery.id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": await webhookSignature(secret, delivery.id, timestamp, body),
      },
      body,
      // a redirect could lead anywhere, a private address included: it counts as a failure
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.ok ? null : { reason: `the receiver answered ${response.status}`, final: false };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    return {
      reason: timedOut
        ? `the receiver did not answer within ${DELIVERY_TIMEOUT_MS} ms`
        : "the receiver could not be reached",
      final: false,
    };
  }
}
