/**
 * @module GET /v1/models/{model}/onnx/{direction}: a light model's generator for clients that run it
 * themselves, the bytes made at load; If-None-Match answers 304 from the ETag.
 */
import { Direction, ModelRef } from "@ugatit/contracts/protocol";
import { etag } from "hono/etag";
import { createRouter } from "../context.ts";
import { problems } from "../problems/problems.ts";
import { methodNotAllowed } from "../problems/respond.ts";
import { type LoadedModel, type ModelRegistry, type OnnxExport, OnnxExportError } from "./model-registry.ts";

const PATH = "/v1/models/:model/onnx/:direction";

function onnxOrProblem(registry: ModelRegistry, model: LoadedModel, direction: Direction): OnnxExport {
  try {
    return registry.onnxExport(model, direction);
  } catch (error) {
    if (!(error instanceof OnnxExportError)) throw error;
    throw error.reason === "full_model"
      ? problems.lightModelRequired(error.message)
      : problems.unknownDirection(model.id, direction, model.info.directions);
  }
}

export function modelOnnxRoute(deps: { registry: ModelRegistry }) {
  const { registry } = deps;
  return createRouter()
    .get(PATH, etag(), (c) => {
      const ref = ModelRef.safeParse(c.req.param("model"));
      if (!ref.success) throw problems.invalidParameter(`model: ${ref.error.issues[0]?.message}`);
      const direction = Direction.safeParse(c.req.param("direction"));
      if (!direction.success) throw problems.invalidParameter("direction: A2B or B2A");
      const model = registry.resolve(ref.data);
      if (!model)
        throw problems.unknownModel(
          ref.data,
          registry.list().map((m) => m.id),
        );
      const exported = onnxOrProblem(registry, model, direction.data);
      return c.body(exported.bytes, 200, {
        "content-type": "application/octet-stream",
        etag: exported.etag,
        "x-ugatit-model": model.id,
      });
    })
    .all(PATH, methodNotAllowed);
}
