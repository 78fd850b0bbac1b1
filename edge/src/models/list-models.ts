/** @module GET /v1/models: what the GPU worker serves, and which model translations use by default. */
import { edgeConfig } from "../config/edge-config.ts";
import { problems } from "../problems/api-problem.ts";
import { listWorkerModels, WorkerCallError } from "../worker-client/worker-client.ts";
import type { ModelList } from "./schemas.ts";

const LIST_TIMEOUT_MS = 10_000;

export async function listModels(env: Env, requestId: string): Promise<ModelList> {
  const config = edgeConfig(env);
  try {
    const models = await listWorkerModels(config.worker, { requestId, timeoutMs: LIST_TIMEOUT_MS });
    const isDefault = (id: string, name: string) =>
      config.defaultModel === id || config.defaultModel === name;
    return {
      models: models.map((m) => ({
        id: m.id,
        name: m.name,
        version: m.version,
        directions: m.directions,
        size: m.size,
        light: m.light,
        default: isDefault(m.id, m.name),
        untrained: m.untrained,
        framing: m.framing,
        domains: m.domains,
      })),
      default_model: config.defaultModel,
    };
  } catch (error) {
    if (error instanceof WorkerCallError) throw problems.workerUnavailable(error.failure.detail);
    throw error;
  }
}
