/** @module Webhook events, a job's delivery state and the tenant's signing secret, as the API shows them. */
import { z } from "@hono/zod-openapi";

export const WebhookEvent = z.enum(["started", "completed"]);
export type WebhookEvent = z.infer<typeof WebhookEvent>;

export const WebhookType = z.enum(["translation.started", "translation.completed"]);
export type WebhookType = z.infer<typeof WebhookType>;

export const DeliveryStatus = z.enum(["pending", "delivered", "failed"]);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const WebhookDelivery = z
  .object({
    id: z.string().openapi({ description: "The webhook-id header: the same on every attempt of this event" }),
    type: WebhookType,
    status: DeliveryStatus,
    attempts: z.number().int(),
    last_error: z.string().nullable().openapi({ description: "What the last failed attempt met" }),
    next_attempt_at: z.iso.datetime().nullable().openapi({ description: "While pending: the next attempt" }),
    delivered_at: z.iso.datetime().nullable(),
  })
  .openapi("WebhookDelivery");

export const WebhookState = z
  .object({
    url: z.url(),
    events: z.array(WebhookEvent),
    deliveries: z.array(WebhookDelivery),
  })
  .openapi("WebhookState");
export type WebhookState = z.infer<typeof WebhookState>;

export const WebhookSecret = z
  .object({
    key: z.string().openapi({
      description: "The tenant's signing secret: whsec_ and the base64 of the HMAC-SHA256 key",
      example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    }),
  })
  .openapi("WebhookSecret");
export type WebhookSecret = z.infer<typeof WebhookSecret>;
