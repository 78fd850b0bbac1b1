/** @module Request and response bodies of /v1/uploads. */
import { z } from "@hono/zod-openapi";

export const IMAGE_CONTENT_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export const ImageContentType = z.enum(IMAGE_CONTENT_TYPES);
export type ImageContentType = z.infer<typeof ImageContentType>;

export const CreateUploadRequest = z
  .object({
    content_type: ImageContentType.openapi({ description: "The image's type: PNG, JPEG or WebP" }),
    content_length: z.number().int().positive().openapi({
      description: "The image's size in bytes; the PUT must send exactly this many",
      example: 48213,
    }),
  })
  .openapi("CreateUploadRequest");
export type CreateUploadRequest = z.infer<typeof CreateUploadRequest>;

export const Upload = z
  .object({
    upload_id: z.string().openapi({ example: "01JD7Y2W8V3K9Q4R5S6T7U8V9W" }),
    url: z.url().openapi({ description: "Presigned URL to PUT the image to" }),
    method: z.literal("PUT"),
    headers: z
      .record(z.string(), z.string())
      .openapi({ description: "Headers the PUT must carry exactly: the signature covers them" }),
    expires_at: z.iso.datetime().openapi({ description: "When the URL stops working" }),
  })
  .openapi("Upload");
export type Upload = z.infer<typeof Upload>;

export const UploadIdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "01JD7Y2W8V3K9Q4R5S6T7U8V9W" }),
});
