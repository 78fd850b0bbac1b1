/** @module POST and GET /v1/translations, GET and DELETE /v1/translations/{id}. */
import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../auth/authenticate.ts";
import { createRouter } from "../context.ts";
import { API_KEY_SECURITY, problemResponses } from "../openapi/responses.ts";
import { problems } from "../problems/api-problem.ts";
import { imageContentType } from "../uploads/receive-upload.ts";
import { IMAGE_CONTENT_TYPES } from "../uploads/schemas.ts";
import { createTranslation } from "./create-translation.ts";
import { deleteTranslation } from "./delete-translation.ts";
import { findJob, isFinished } from "./job-store.ts";
import { jobView } from "./job-view.ts";
import { listTranslations } from "./list-translations.ts";
import { preferredWaitSeconds } from "./prefer.ts";
import {
  DeleteTranslationQuery,
  JobIdParams,
  ListTranslationsQuery,
  TranslationJob,
  TranslationList,
  TranslationQueryParams,
  TranslationRequest,
} from "./schemas.ts";
import { bodyImageInput, namedUploadInput, type TranslationInput } from "./translation-input.ts";

const jobContent = { "application/json": { schema: TranslationJob } };
const imageBody = { schema: { type: "string" as const, format: "binary" } };

const createTranslationRoute = createRoute({
  method: "post",
  path: "/v1/translations",
  tags: ["Translations"],
  summary: "Translate an image",
  description:
    "Either JSON naming an upload, or the image itself as the body (options in the query string). " +
    "The stored image is checked first: declared size and type, magic bytes, at most 8192 px a side and 16 MP. " +
    "With `Prefer: wait=N` (N ≤ 60) the answer is the finished job when it completes within N seconds; " +
    "otherwise 202 with Location, and the job runs from a queue (retried with backoff when the inference service fails).",
  security: API_KEY_SECURITY,
  middleware: [requireScope("write")] as const,
  request: {
    query: TranslationQueryParams,
    headers: z.object({
      "idempotency-key": z.string().min(1).max(255).optional().openapi({
        description: "The same key and body give the same job; the same key with another body, 409",
      }),
      prefer: z
        .string()
        .optional()
        .openapi({ description: "wait=N: answer synchronously within N seconds", example: "wait=10" }),
    }),
    body: {
      content: {
        "application/json": { schema: TranslationRequest },
        ...Object.fromEntries(IMAGE_CONTENT_TYPES.map((type) => [type, imageBody])),
      },
    },
  },
  responses: {
    200: {
      description: "Finished (succeeded or failed) within the wait, or a replay of a finished job",
      content: jobContent,
    },
    202: { description: "Accepted; poll Location", content: jobContent },
    ...problemResponses(400, 403, 404, 409, 413, 415, 422),
  },
});

const listTranslationsRoute = createRoute({
  method: "get",
  path: "/v1/translations",
  tags: ["Translations"],
  summary: "The tenant's translation jobs, newest first",
  description:
    "A page of at most `limit` jobs; pass `next_cursor` as `cursor` for the next, until it is null.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("read")] as const,
  request: { query: ListTranslationsQuery },
  responses: {
    200: { description: "A page of jobs", content: { "application/json": { schema: TranslationList } } },
    ...problemResponses(400, 403),
  },
});

const getTranslationRoute = createRoute({
  method: "get",
  path: "/v1/translations/{id}",
  tags: ["Translations"],
  summary: "A translation job, with presigned URLs of its outputs once it succeeded",
  security: API_KEY_SECURITY,
  middleware: [requireScope("read")] as const,
  request: { params: JobIdParams },
  responses: { 200: { description: "The job", content: jobContent }, ...problemResponses(403, 404) },
});

const deleteTranslationRoute = createRoute({
  method: "delete",
  path: "/v1/translations/{id}",
  tags: ["Translations"],
  summary: "Cancel a queued job, or delete a finished one and its outputs",
  description:
    "With `delete_input=true` the job's uploaded image is erased too (as DELETE /v1/uploads/{id}), " +
    "whichever other translations used it. Finished jobs and their outputs are deleted anyway after " +
    "JOB_RETENTION_HOURS (7 days by default).",
  security: API_KEY_SECURITY,
  middleware: [requireScope("write")] as const,
  request: { params: JobIdParams, query: DeleteTranslationQuery },
  responses: {
    200: { description: "The queued job, now canceled", content: jobContent },
    204: { description: "The finished job and its outputs are deleted" },
    ...problemResponses(403, 404, 409),
  },
});

export const translationsRoutes = createRouter()
  .openapi(createTranslationRoute, async (c) => {
    const receivedAt = Date.now();
    const principal = c.get("principal");
    const { "idempotency-key": idempotencyKey, prefer } = c.req.valid("header");
    let input: TranslationInput;
    if (imageContentType(c.req.header("content-type"))) {
      input = await bodyImageInput(c.env, principal, c.req.raw, c.req.query());
    } else if (c.req.header("content-type")) {
      input = await namedUploadInput(c.env, principal, c.req.valid("json"));
    } else {
      throw problems.unsupportedMediaType("send JSON {upload_id, direction, …}, or an image as the body");
    }
    const waitSeconds = preferredWaitSeconds(prefer);
    const { job, replayed } = await createTranslation(c.env, principal, input, {
      requestId: c.get("requestId"),
      waitSeconds,
      receivedAt,
      idempotencyKey,
    });
    c.header("Location", `/v1/translations/${job.id}`);
    if (replayed) c.header("Idempotent-Replayed", "true");
    if (waitSeconds > 0) c.header("Preference-Applied", `wait=${waitSeconds}`);
    if (isFinished(job)) return c.json(await jobView(c.env, job), 200);
    c.header("Retry-After", "1");
    return c.json(await jobView(c.env, job), 202);
  })
  .openapi(listTranslationsRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await listTranslations(c.env, c.get("principal").tenant, { limit, cursor }), 200);
  })
  .openapi(getTranslationRoute, async (c) => {
    const { id } = c.req.valid("param");
    const job = await findJob(c.env.DB, c.get("principal").tenant, id);
    if (!job) throw problems.notFound(`no translation ${id}`);
    return c.json(await jobView(c.env, job), 200);
  })
  .openapi(deleteTranslationRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { delete_input: deleteInput } = c.req.valid("query");
    const canceled = await deleteTranslation(c.env, c.get("principal").tenant, id, { deleteInput });
    if (canceled) return c.json(await jobView(c.env, canceled), 200);
    return c.body(null, 204);
  });
