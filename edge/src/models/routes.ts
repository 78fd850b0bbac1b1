/** @module GET /v1/models. */
import { createRoute } from "@hono/zod-openapi";
import { requireScope } from "../auth/authenticate.ts";
import { createRouter } from "../context.ts";
import { API_KEY_SECURITY, problemResponses } from "../openapi/responses.ts";
import { listModels, ModelList } from "./list-models.ts";

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

export const modelsRoutes = createRouter().openapi(listModelsRoute, async (c) =>
  c.json(await listModels(c.env, c.get("requestId")), 200),
);
