/**
 * @module GET /v1/models/{model}/onnx: a light model's generator as an ONNX file, for clients that run it
 * themselves (the demo page, in the browser, with onnxruntime-web). The worker exports it; the edge streams it.
 */
import { Direction, ModelRef, problem } from "@ugatit/contracts/protocol";
import { z } from "zod";
import { edgeConfig } from "../config/edge-config.ts";
import { ApiProblem, problems } from "../problems/api-problem.ts";
import { fetchWorkerOnnx, WorkerCallError } from "../worker-client/worker-client.ts";

export const ModelParams = z.object({
  model: ModelRef.meta({
    description: "name@version, or a name for its newest version",
    example: "selfie2anime@1",
  }),
});
export const OnnxQuery = z.object({
  direction: Direction.meta({ description: "The generator: A2B or B2A" }),
});

/** The first export of a model reads its checkpoint again: a few seconds for a large one. */
const EXPORT_TIMEOUT_MS = 60_000;

/**
 * Revalidated on every use (the name alone may come to mean a newer version); the entity tag, the
 * bytes' SHA-256, makes that a 304 while the model is unchanged.
 */
export const ONNX_CACHE_CONTROL = "private, no-cache";

/** The worker's refusals that are the client's to fix, passed on as they are; anything else is a 503. */
function problemOf(error: WorkerCallError): ApiProblem {
  const { answer, failure } = error;
  if (answer && (answer.status === 404 || answer.status === 422)) {
    return new ApiProblem({
      ...problem("model-unavailable", answer.status, failure.title, failure.detail),
      ...(answer.type ? { type: answer.type } : {}),
    });
  }
  return problems.workerUnavailable(failure.detail);
}

/**
 * The ONNX file of `model`'s `direction` generator as the answer to send: 200 with the bytes streaming from
 * the worker, or 304 when `ifNoneMatch` names its entity tag.
 *
 * @example
 * return downloadModelOnnx(c.env, c.get("requestId"), "selfie2anime@1", "A2B", c.req.header("if-none-match"));
 */
export async function downloadModelOnnx(
  env: Env,
  requestId: string,
  model: string,
  direction: Direction,
  ifNoneMatch: string | undefined,
): Promise<Response> {
  const config = edgeConfig(env);
  let answer: Response;
  try {
    answer = await fetchWorkerOnnx(config.worker, model, direction, {
      requestId,
      timeoutMs: EXPORT_TIMEOUT_MS,
      ifNoneMatch,
    });
  } catch (error) {
    if (error instanceof WorkerCallError) throw problemOf(error);
    throw error;
  }
  const headers = new Headers({ "cache-control": ONNX_CACHE_CONTROL });
  const etag = answer.headers.get("etag");
  if (etag) headers.set("etag", etag);
  if (answer.status === 304) return new Response(null, { status: 304, headers });
  const id = answer.headers.get("x-ugatit-model") ?? model;
  headers.set("content-type", "application/octet-stream");
  headers.set("content-disposition", `attachment; filename="${id}-${direction}.onnx"`);
  headers.set("x-model-id", id);
  const length = answer.headers.get("content-length");
  if (length) headers.set("content-length", length);
  return new Response(answer.body, { status: 200, headers });
}
