/** @module GET /v1/models: the loaded models with their directions and sizes. */
import { createRouter } from "../context.ts";
import { methodNotAllowed } from "../problems/respond.ts";
import type { ModelRegistry } from "./model-registry.ts";

export function listModelsRoute(deps: { registry: ModelRegistry }) {
  return createRouter()
    .get("/v1/models", (c) => c.json({ models: deps.registry.list() }))
    .all("/v1/models", methodNotAllowed);
}
