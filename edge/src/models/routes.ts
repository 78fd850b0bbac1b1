/** @module GET /v1/models and GET /v1/models/{model}/onnx. */
import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../auth/authenticate.ts";
import { createRouter } from "../context.ts";
import { API_KEY_SECURITY, problemResponses } from "../openapi/responses.ts";
import { listModels } from "./list-models.ts";
import { downloadModelOnnx, ModelParams, ONNX_CACHE_CONTROL, OnnxQuery } from "./model-onnx.ts";
import { ModelList } from "./schemas.ts";

const listModelsRoute = createRoute({
  method: "get",
  path: "/v1/models",
  tags: ["Models"],
  summary: "List the models and their directions",
  security: API_KEY_SECURITY,
  middleware: [requireScope("read")] as const,
  responses: {
    200: {
      description: "The models the inference service has",
      content: { "application/json": { schema: ModelList } },
    },
    ...problemResponses(403, 503),
  },
});

const etagHeader = { schema: { type: "string" as const }, description: "The file's SHA-256, quoted" };
const cacheControlHeader = { schema: { type: "string" as const, example: ONNX_CACHE_CONTROL } };

const modelOnnxRoute = createRoute({
  method: "get",
  path: "/v1/models/{model}/onnx",
  tags: ["Models"],
  summary: "A light model's generator as an ONNX file, to run in the browser",
  description:
    "The generator of one direction, exported to ONNX (opset 17): input `input` [batch, 3, H, W] in [-1, 1], " +
    "outputs `image` [batch, 3, H, W], `cam_logit` [batch, 2] and `heatmap` [batch, 1, H/4, W/4], H and W any " +
    "multiple of 4; the configuration is in its metadata. Light models only: a full model's fully connected " +
    "layers are too large for a browser (422). Send If-None-Match with the ETag to get 304 while it is unchanged.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("read")] as const,
  request: {
    params: ModelParams,
    query: OnnxQuery,
    headers: z.object({
      "if-none-match": z.string().optional().openapi({ description: "An ETag from an earlier answer" }),
    }),
  },
  responses: {
    200: {
      description: "The ONNX file",
      headers: { ETag: etagHeader, "Cache-Control": cacheControlHeader },
      content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
    },
    304: {
      description: "Unchanged since the ETag sent in If-None-Match",
      headers: { ETag: etagHeader, "Cache-Control": cacheControlHeader },
    },
    ...problemResponses(400, 403, 404, 422, 503),
  },
});

export const modelsRoutes = createRouter()
  .openapi(listModelsRoute, async (c) => c.json(await listModels(c.env, c.get("requestId")), 200))
  .openapi(modelOnnxRoute, async (c) => {
    const { model } = c.req.valid("param");
    const { direction } = c.req.valid("query");
    const { "if-none-match": ifNoneMatch } = c.req.valid("header");
    return downloadModelOnnx(c.env, c.get("requestId"), model, direction, ifNoneMatch);
  });
