/** @module POST /v1/uploads, DELETE /v1/uploads/{id}. */
import { createRoute } from "@hono/zod-openapi";
import { requireScope } from "../auth/authenticate.ts";
import { createRouter } from "../context.ts";
import { API_KEY_SECURITY, problemResponses } from "../openapi/responses.ts";
import { problems } from "../problems/api-problem.ts";
import { eraseUpload } from "./erase-upload.ts";
import { presignUpload } from "./presign-upload.ts";
import { CreateUploadRequest, Upload, UploadIdParams } from "./schemas.ts";
import { findUpload } from "./upload-store.ts";

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

const deleteUploadRoute = createRoute({
  method: "delete",
  path: "/v1/uploads/{id}",
  tags: ["Uploads"],
  summary: "Erase an uploaded image",
  description:
    "Deletes the image from storage and forgets the upload: translating it afterwards answers 404. A job still " +
    "queued for it fails (its input is gone); finished translations and their outputs stay until deleted. " +
    "Uploads are erased anyway after UPLOAD_RETENTION_HOURS (7 days by default).",
  security: API_KEY_SECURITY,
  middleware: [requireScope("write")] as const,
  request: { params: UploadIdParams },
  responses: { 204: { description: "Erased" }, ...problemResponses(403, 404) },
});

export const uploadsRoutes = createRouter()
  .openapi(createUploadRoute, async (c) =>
    c.json(await presignUpload(c.env, c.get("principal"), c.req.valid("json")), 201),
  )
  .openapi(deleteUploadRoute, async (c) => {
    const { id } = c.req.valid("param");
    const upload = await findUpload(c.env.DB, c.get("principal").tenant, id);
    if (!upload) throw problems.notFound(`no upload ${id}`);
    await eraseUpload(c.env, upload);
    return c.body(null, 204);
  });
