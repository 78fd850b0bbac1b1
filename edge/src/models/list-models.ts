/** @module GET /v1/models: what the GPU worker serves, and which model translations use by default. */
import { z } from "@hono/zod-openapi";
import { Direction, ModelDomains } from "@ugatit/contracts/protocol";
import { edgeConfig } from "../config/edge-config.ts";
import { problems } from "../problems/api-problem.ts";
import { listWorkerModels, WorkerCallError } from "../worker-client/worker-client.ts";

export const PublicModel = z
  .object({
    id: z.string().openapi({ example: "selfie2anime@1" }),
    name: z.string().openapi({ example: "selfie2anime" }),
    version: z.string().openapi({ example: "1" }),
    directions: z.array(Direction),
    size: z.number().int().openapi({ description: "Side of the square images the model works on" }),
    light: z.boolean().openapi({
      description: "A light model (attention from pooled features): small enough to run in a browser",
    }),
    default: z.boolean().openapi({ description: "Used when a translation names no model" }),
    untrained: z.boolean().openapi({
      description: "Randomly initialised weights (a development stand-in): its translations are noise",
    }),
    domains: ModelDomains.nullable().openapi({
      description:
        "What the two domains are, in words, as the model file names them: A2B turns an image of A into one of B. null when the model names none",
      example: { A: "colour emoji", B: "line-art emoji" },
    }),
  })
  .openapi("Model");

export const ModelList = z
  .object({ models: z.array(PublicModel), default_model: z.string() })
  .openapi("ModelList");
export type ModelList = z.infer<typeof ModelList>;

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
        domains: m.domains,
      })),
      default_model: config.defaultModel,
    };
  } catch (error) {
    if (error instanceof WorkerCallError) throw problems.workerUnavailable(error.failure.detail);
    throw error;
  }
}
