/** @module POST /v1/uploads. */
import { createRoute } from "@hono/zod-openapi";
import { requireScope } from "../auth/authenticate.ts";
import { createRouter } from "../context.ts";
import { API_KEY_SECURITY, problemResponses } from "../openapi/responses.ts";
import { presignUpload } from "./presign-upload.ts";
import { CreateUploadRequest, Upload } from "./schemas.ts";

const createUploadRoute = createRoute({
  method: "post",
  path: "/v1/uploads",
  tags: ["Uploads"],
  summary: "Get a presigned URL to upload an image",
  description:
    "Declares an image (PNG, JPEG or WebP, and its exact size) and answers a presigned PUT URL that expires in minutes. " +
    "The storage refuses a PUT with another Content-Type or Content-Length, a tampered URL or an expired one. " +
    "Then pass `upload_id` to POST /v1/translations.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("write")] as const,
  request: { body: { content: { "application/json": { schema: CreateUploadRequest } }, required: true } },
  responses: {
    201: {
      description: "PUT the image to `url` with `headers`",
      content: { "application/json": { schema: Upload } },
    },
    ...problemResponses(400, 403, 413, 415),
  },
});

export const uploadsRoutes = createRouter().openapi(createUploadRoute, async (c) =>
  c.json(await presignUpload(c.env, c.get("principal"), c.req.valid("json")), 201),
);
