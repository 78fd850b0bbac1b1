/** @module A job as the API shows it, with short-lived presigned GETs for its outputs. */
import { edgeConfig } from "../config/edge-config.ts";
import { objectStore } from "../storage/object-store.ts";
import { deliveriesOfJob } from "../webhooks/delivery-store.ts";
import type { WebhookEvent, WebhookState } from "../webhooks/schemas.ts";
import type { JobRecord } from "./job-store.ts";
import type { TranslationJob } from "./schemas.ts";

export async function jobView(env: Env, job: JobRecord): Promise<TranslationJob> {
  let output: TranslationJob["output"] = null;
  if (job.status === "succeeded") {
    const config = edgeConfig(env);
    const store = objectStore(config.storage);
    const ttl = config.resultUrlTtlSeconds;
    output = {
      image_url: await store.presignGet(job.image_key, ttl),
      heatmap_url: job.heatmap_key ? await store.presignGet(job.heatmap_key, ttl) : null,
      cam_logit: JSON.parse(job.cam_logit ?? "[0,0]") as [number, number],
    };
  }
  return {
    id: job.id,
    status: job.status,
    direction: job.direction,
    model: job.model,
    created_at: job.created_at,
    started_at: job.started_at,
    completed_at: job.completed_at,
    framing: {
      mode: job.framing,
      box: job.framing_box
        ? (JSON.parse(job.framing_box) as NonNullable<TranslationJob["framing"]["box"]>)
        : null,
    },
    compose: job.compose,
    output,
    error: job.error ? (JSON.parse(job.error) as TranslationJob["error"]) : null,
    webhook: await webhookState(env, job),
  };
}

async function webhookState(env: Env, job: JobRecord): Promise<WebhookState | null> {
  if (!job.webhook_url) return null;
  const deliveries = await deliveriesOfJob(env.DB, job.id);
  return {
    url: job.webhook_url,
    events: (job.webhook_events ?? "completed").split(",") as WebhookEvent[],
    deliveries: deliveries.map((d) => ({
      id: d.id,
      type: d.type,
      status: d.status,
      attempts: d.attempts,
      last_error: d.last_error,
      next_attempt_at: d.status === "pending" ? d.next_attempt_at : null,
      delivered_at: d.delivered_at,
    })),
  };
}
