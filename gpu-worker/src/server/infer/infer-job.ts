import { heatmapToRgb, ImageError, type ImageFormat, pixelPath } from "@ugatit/contracts/image";
import type { InferRequest, InferResponse } from "@ugatit/contracts/protocol";
import { imageProcessingFor } from "@ugatit/model/architecture";
import { sharedFaceDetector } from "../../faces/face-detector.ts";
import { frameImage, NoFaceError } from "../../framing/frame-image.ts";
import { pasteBack } from "../../framing/paste-back.ts";
import { decodeImage, encodeImage } from "../../image/index.ts";
import type { RgbImage, Translation, Translator } from "../../runtime/translator.ts";
import type { BatcherPool } from "../batching/batcher-pool.ts";
import { type Admission, DroppedError, QueueFullError } from "../batching/dynamic-batcher.ts";
import type { LoadedModel, ModelRegistry } from "../models/model-registry.ts";
import { ClientGoneError, problems } from "../problems/problems.ts";
import { type ObjectStore, StorageError } from "../storage/object-store.ts";
import { writeAllOrNone } from "../storage/write-all-or-none.ts";
import type { ImagePreparation } from "./image-preparation.ts";

export interface InferDeps {
  registry: ModelRegistry;
  batchers: BatcherPool;
  storage: ObjectStore;
  maxInputBytes: number;
  preparation: ImagePreparation;
}

const CONTENT_TYPES: Record<ImageFormat, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
};

function isTimeout(reason: unknown): boolean {
  return reason instanceof DOMException && reason.name === "TimeoutError";
}

/**
 * One inference job: read the input from storage, decode and check it, make it the model's size, run it
 * through the model's dynamic batcher, encode, and write the outputs, all or none.
 */
export async function runInferJob(
  deps: InferDeps,
  request: InferRequest,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<InferResponse> {
  const started = performance.now();
  const stopped = () =>
    isTimeout(signal.reason) ? problems.deadline(timeoutMs) : new ClientGoneError("client went away");
  const guard = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } catch (error) {
      if (signal.aborted) throw stopped();
      throw error;
    }
  };

  const model = deps.registry.resolve(request.model);
  if (!model)
    throw problems.unknownModel(
      request.model,
      deps.registry.list().map((m) => m.id),
    );
  const translator = model.translators.get(request.direction);
  if (!translator)
    throw problems.unknownDirection(model.id, request.direction, [...model.translators.keys()]);

  // A place in the model's queue is taken before the input is read: a full queue costs no read and no decode.
  const admission = (() => {
    try {
      return deps.batchers.get(model.id, request.direction, translator).admit();
    } catch (error) {
      throw error instanceof QueueFullError ? problems.queueFull(error.retryAfterSeconds) : error;
    }
  })();
  try {
    return await inferAdmitted(deps, request, signal, {
      model,
      translator,
      admission,
      guard,
      stopped,
      started,
    });
  } finally {
    admission.release(); // a no-op once the request was queued
  }
}

interface Admitted {
  model: LoadedModel;
  translator: Translator;
  admission: Admission<RgbImage, Translation>;
  guard: <T>(work: Promise<T>) => Promise<T>;
  stopped: () => Error;
  started: number;
}

async function inferAdmitted(
  deps: InferDeps,
  request: InferRequest,
  signal: AbortSignal,
  { model, translator, admission, guard, stopped, started }: Admitted,
): Promise<InferResponse> {
  let storageMs = 0;
  let t = performance.now();
  const bytes = await guard(deps.storage.get(request.input_key, deps.maxInputBytes, signal)).catch(
    (error: unknown) => {
      if (error instanceof StorageError) {
        if (error.reason === "not_found") throw problems.missingInput(error);
        if (error.reason === "too_large")
          throw problems.badImage(`the input image is over the ${deps.maxInputBytes}-byte limit`);
        throw problems.storageUnavailable(error);
      }
      throw error;
    },
  );
  storageMs += performance.now() - t;

  const mode = request.framing ?? (request.resize === "crop" ? "center" : model.info.framing);
  // A TF model takes its official test path: upright photos (cv2.imread) and cv2's bilinear resize (PIL's,
  // in the pool, for the others).
  const processing = imageProcessingFor(translator.config);
  // Decoding, framing and resizing hold one of the worker's few preparation places, off the event loop.
  const { decoded, box, input, decodeMs, framingMs } = await deps.preparation.run(async () => {
    let step = performance.now();
    // Framings that cut a region work on the upright photo, so that the box means what the user sees.
    const orient = mode !== "fit" || pixelPath(processing).exifOrientation;
    const decoded = await decodeImage(bytes, {}, { orient }).catch((error: unknown) => {
      throw error instanceof ImageError ? problems.badImage(error.message) : error;
    });
    const decodeMs = performance.now() - step;
    step = performance.now();
    const { box, frame } = await frameImage(
      decoded,
      mode,
      model.size,
      sharedFaceDetector,
      processing === "pytorch"
        ? deps.preparation.resize
        : async (...args) => pixelPath(processing).resize(...args),
    ).catch((error: unknown) => {
      throw error instanceof NoFaceError ? problems.noFace(error.message) : error;
    });
    return { decoded, box, input: frame, decodeMs, framingMs: performance.now() - step };
  });

  const outcome = await admission.submit(input, signal).catch((error: unknown) => {
    if (error instanceof DroppedError) throw stopped();
    throw error;
  });
  const { result } = outcome;

  t = performance.now();
  const composed = request.compose === "paste" ? await pasteBack(decoded, result.image, box) : result.image;
  const image = await encodeImage(composed.data, composed.width, composed.height, request.output_format);
  const heatmap =
    request.output_keys.heatmap === undefined
      ? undefined
      : await encodeImage(
          heatmapToRgb(result.heatmap, result.heatmapSide, model.size),
          model.size,
          model.size,
          "png",
        );
  const encodeMs = performance.now() - t;

  // Past the deadline nothing is written: the caller has already been told 504.
  if (signal.aborted) throw stopped();
  t = performance.now();
  const writes: [string, Uint8Array, string][] = [
    [request.output_keys.image, image, CONTENT_TYPES[request.output_format]],
  ];
  if (heatmap && request.output_keys.heatmap)
    writes.push([request.output_keys.heatmap, heatmap, "image/png"]);
  await writeAllOrNone(deps.storage, writes).catch((error: unknown) => {
    throw error instanceof StorageError ? problems.storageUnavailable(error) : error;
  });
  storageMs += performance.now() - t;

  const stored = (
    key: string,
    body: Uint8Array,
    contentType: string,
    width = model.size,
    height = model.size,
  ) => ({
    key,
    content_type: contentType,
    bytes: body.length,
    width,
    height,
  });
  return {
    job_id: request.job_id,
    model: model.id,
    direction: request.direction,
    outputs: {
      image: stored(
        request.output_keys.image,
        image,
        CONTENT_TYPES[request.output_format],
        composed.width,
        composed.height,
      ),
      ...(heatmap && request.output_keys.heatmap
        ? { heatmap: stored(request.output_keys.heatmap, heatmap, "image/png") }
        : {}),
    },
    cam_logit: result.camLogit,
    framing: { mode, box },
    compose: request.compose,
    input: { width: decoded.width, height: decoded.height, format: decoded.format },
    size: model.size,
    backend: translator.backend,
    batch_size: outcome.batchSize,
    timings_ms: {
      queue: round(outcome.queuedMs),
      decode: round(decodeMs),
      framing: round(framingMs),
      inference: round(outcome.computeMs),
      encode: round(encodeMs),
      storage: round(storageMs),
      total: round(performance.now() - started),
    },
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
