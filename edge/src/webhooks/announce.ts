/** @module A job event for its webhook: recorded once, then handed to the webhooks queue for delivery. */
import { ulid } from "ulid";
import { log } from "../observability/log.ts";
import type { JobRecord } from "../translations/job-store.ts";
import { insertDelivery } from "./delivery-store.ts";
import type { WebhookEvent } from "./schemas.ts";

export interface WebhookMessage {
  delivery_id: string;
}

/**
 * Records `event` for the job's webhook when it asked for that event (once per job and event), and queues
 * its delivery. A message that cannot be sent is sent again by the sweeper.
 *
 * @example
 * await announceJobEvent(env, finished, "completed");
 */
export async function announceJobEvent(
  env: Env,
  job: JobRecord,
  event: WebhookEvent,
  now = new Date(),
): Promise<void> {
  if (!job.webhook_url || !job.webhook_events?.split(",").includes(event)) return;
  const delivery = await insertDelivery(env.DB, {
    id: `msg_${ulid(now.getTime())}`,
    job_id: job.id,
    tenant: job.tenant,
    url: job.webhook_url,
    type: `translation.${event}`,
    occurred_at: now.toISOString(),
    status: "pending",
    attempts: 0,
    last_error: null,
    next_attempt_at: now.toISOString(),
    delivered_at: null,
  });
  if (!delivery) return;
  await sendDelivery(env, delivery.id);
}

/** Queues a delivery attempt; a failure is logged and left to the sweeper. */
export async function sendDelivery(env: Env, id: string, delaySeconds = 0): Promise<void> {
  const message: WebhookMessage = { delivery_id: id };
  try {
    await env.WEBHOOKS.send(message, delaySeconds > 0 ? { delaySeconds } : {});
  } catch (error) {
    log("warn", "webhook not queued", { delivery_id: id, error: String(error) });
  }
}
