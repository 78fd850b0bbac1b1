/** @module Request and response bodies of /v1/translations, shared by validation and the OpenAPI document. */
import { z } from "@hono/zod-openapi";
import {
  Compose,
  Direction,
  Framing,
  FramingBox,
  ModelRef,
  OutputFormat,
  ResizePolicy,
} from "@ugatit/contracts/protocol";
import { WebhookEvent, WebhookState } from "../webhooks/schemas.ts";

export const OutputKind = z.enum(["image", "heatmap"]);

const outputs = z
  .array(OutputKind)
  .min(1)
  .refine((o) => o.includes("image"), "outputs must include image")
  .transform((o) => [...new Set(o)].sort());

const webhookEvents = z
  .array(WebhookEvent)
  .min(1)
  .transform((e) => [...new Set(e)].sort());

// The shared schemas may exist before @hono/zod-openapi adds .openapi(): describe them with zod's .meta().
const fields = {
  direction: Direction.meta({ description: "A2B (e.g. selfie → anime) or B2A" }),
  model: ModelRef.optional().meta({
    description: "name or name@version; the service's default model when absent",
    example: "selfie2anime@1",
  }),
  outputs: outputs.default(["heatmap", "image"]).openapi({
    description: "What to produce: the translated image, and the attention heatmap (PNG)",
  }),
  format: OutputFormat.default("png").meta({ description: "Format of the translated image" }),
  resize: ResizePolicy.default("fit").meta({
    description:
      "fit: resize the whole image to the model's size; crop: the centred square first (the older spelling of framing fit and center; framing wins)",
  }),
  framing: Framing.optional().meta({
    description:
      "The part of the photo the model sees: fit (the whole photo, resized), center (the centred square), face (a square around the largest face, as the selfie2anime training images are framed; a photo without a face fails with a no-face error). Absent: the model's declared default (fit unless the model says otherwise).",
  }),
  compose: Compose.default("crop").meta({
    description:
      "crop: the translated frame at the model's size; paste: the whole photo back at its size, the translation blended in at the framing box",
  }),
  webhook: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional()
    .openapi({
      description:
        "Where to POST the job's events, signed as Standard Webhooks specify (see GET /v1/webhooks/secret). " +
        "https to a public address (under `npm start`, http://127.0.0.1 and localhost too)",
      example: "https://example.com/hooks/ugatit",
    }),
  webhook_events: webhookEvents.default(["completed"]).openapi({
    description: "started: the first attempt began; completed: the job ended (succeeded, failed or canceled)",
  }),
};

export const TranslationRequest = z
  .object({
    upload_id: z.string().min(1).max(64).openapi({ description: "From POST /v1/uploads" }),
    ...fields,
  })
  .openapi("TranslationRequest");
export type TranslationRequest = z.infer<typeof TranslationRequest>;

/** The options of a translation whose image is the request body, from the query string. */
export const TranslationQuery = z.object({
  ...fields,
  outputs: z
    .string()
    .transform((s) => s.split(","))
    .pipe(outputs)
    .default(["heatmap", "image"])
    .openapi({ description: "Comma-separated: image, or image,heatmap", example: "image,heatmap" }),
  webhook_events: z
    .string()
    .transform((s) => s.split(","))
    .pipe(webhookEvents)
    .default(["completed"])
    .openapi({ description: "Comma-separated: started, completed", example: "started,completed" }),
});
export type TranslationOptions = Omit<TranslationRequest, "upload_id">;

/** The query as the OpenAPI document shows it: only meaningful with an image body. */
export const TranslationQueryParams = TranslationQuery.partial();

export const JobStatus = z.enum(["queued", "running", "succeeded", "failed", "canceled"]);
export type JobStatus = z.infer<typeof JobStatus>;

export const JobError = z
  .object({ type: z.string(), title: z.string(), detail: z.string() })
  .openapi("TranslationError");

export const TranslationJob = z
  .object({
    id: z.string().openapi({ example: "01JD7Y5B0C1D2E3F4G5H6J7K8M" }),
    status: JobStatus,
    direction: Direction,
    model: z
      .string()
      .openapi({ description: "The model asked for; once done, the exact name@version that ran" }),
    created_at: z.iso.datetime(),
    started_at: z.iso.datetime().nullable(),
    completed_at: z.iso.datetime().nullable(),
    framing: z
      .object({
        mode: Framing.nullable().meta({
          description: "As asked (null: the model's default) until the job succeeds, then the framing used",
        }),
        box: FramingBox.nullable().meta({
          description:
            "Once succeeded: [x, y, width, height] of the part translated, in the photo's pixels after its EXIF orientation",
          example: [95, 0, 253, 253],
        }),
      })
      .openapi({ description: "Where in the photo the model looked" }),
    compose: Compose,
    output: z
      .object({
        image_url: z.url().openapi({ description: "Presigned GET, valid for minutes" }),
        heatmap_url: z.url().nullable(),
        cam_logit: z.tuple([z.number(), z.number()]).openapi({ description: "The CAM classifier's logits" }),
      })
      .nullable(),
    error: JobError.nullable(),
    webhook: WebhookState.nullable().openapi({
      description: "The job's webhook and its deliveries, if it has one",
    }),
  })
  .openapi("TranslationJob");
export type TranslationJob = z.infer<typeof TranslationJob>;

export const TranslationList = z
  .object({
    items: z.array(TranslationJob).openapi({ description: "Newest first" }),
    next_cursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as `cursor` for the next page; null on the last" }),
  })
  .openapi("TranslationList");
export type TranslationList = z.infer<typeof TranslationList>;

export const ListTranslationsQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ description: "At most 100", example: 20 }),
  cursor: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: "The `next_cursor` of the previous page" }),
});

export const DeleteTranslationQuery = z.object({
  delete_input: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true")
    .openapi({ description: "Erase the job's uploaded image too", example: "true" }),
});

export const JobIdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "01JD7Y5B0C1D2E3F4G5H6J7K8M" }),
});
