/** @module GET /readyz: 200 once every model is loaded, 503 (retryable) while loading or draining. */
import { createRouter, type WorkerState } from "../context.ts";
import type { ModelRegistry } from "../models/model-registry.ts";
import { problems } from "../problems/problems.ts";
import { methodNotAllowed, problemResponse } from "../problems/respond.ts";

export function readyzRoute(deps: { state: WorkerState; registry: ModelRegistry }) {
  const { state } = deps;
  return createRouter()
    .get("/readyz", (c) => {
      if (state.ready && !state.draining)
        return c.json({ ready: true, models: deps.registry.list().map((m) => m.id) });
      return problemResponse(state.draining ? problems.draining() : problems.notReady(), c.get("requestId"));
    })
    .all("/readyz", methodNotAllowed);
}
