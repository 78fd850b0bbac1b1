/** @module GET /healthz: the process answers; which backend (and WebGPU adapter), precision and versions it runs, and whether it drains. */
import type { WebGpuAdapter } from "../../runtime/webgpu/webgpu-adapter.ts";
import { createRouter, type WorkerState } from "../context.ts";
import type { ModelRegistry } from "../models/model-registry.ts";
import { methodNotAllowed } from "../problems/respond.ts";

export function healthzRoute(deps: {
  backend: string;
  precision?: string;
  adapter?: WebGpuAdapter | undefined;
  versions: Record<string, string>;
  state: WorkerState;
  registry: ModelRegistry;
}) {
  return createRouter()
    .get("/healthz", (c) =>
      c.json({
        status: "ok",
        backend: deps.backend,
        precision: deps.precision ?? "fp32",
        ...(deps.adapter ? { adapter: deps.adapter } : {}),
        versions: deps.versions,
        draining: deps.state.draining,
        models: deps.registry.list().length,
      }),
    )
    .all("/healthz", methodNotAllowed);
}
