/// <reference lib="dom" />
/**
 * @module "Translate in my browser" on the demo page: the model's ONNX file, downloaded once per page (and
 * revalidated by its ETag after that), run by onnxruntime-web on WebGPU where the browser has it, else on
 * WebAssembly; pixels in and out through the worker's own code (./model-io.ts). Bundled by
 * edge/scripts/build-assets.ts into the edge's static assets; the page imports it on first use.
 */
import type { Direction } from "@ugatit/contracts/directions";
import { checkImageLimits, ImageError, readImageHeader } from "@ugatit/contracts/image";
import { ONNX_INPUT, ONNX_OUTPUTS } from "@ugatit/contracts/onnx-io";
import type * as Ort from "onnxruntime-web";
import { BrowserTranslationError, downloadModel, formatBytes } from "./model-download.ts";
import { fromModelOutputs, type RgbaPicture, toModelInput } from "./model-io.ts";

/** onnxruntime-web's version, set by the bundler: its files are served under /ort/<version>/. */
declare const ORT_VERSION: string;
const ORT_BASE = new URL(`../ort/${ORT_VERSION}/`, import.meta.url).href;

export type Backend = "webgpu" | "wasm";

export interface BrowserTranslationRequest {
  file: Blob;
  /** The model as `GET /v1/models` lists it. */
  model: { id: string; size: number };
  direction: Direction;
  /** Sent with the model download (the API key). */
  headers: Record<string, string>;
  /** An error answer of the API in words. */
  describe: (response: Response) => Promise<string>;
  /** What is happening, and how far along (0..1) when that is known. */
  onStatus?: (message: string, fraction?: number) => void;
}

export interface BrowserTranslationResult {
  /** Object URLs of PNGs: the translation and the attention heatmap, model size × size. */
  imageUrl: string;
  heatmapUrl: string;
  camLogit: [number, number];
  backend: Backend;
  /** The model id the server resolved. */
  model: string;
  modelBytes: number;
  /** Download and session start, or undefined when the model was already loaded. */
  loadMs: number | undefined;
  inferenceMs: number;
}

interface Runtime {
  ort: typeof Ort;
  webgpu: boolean;
}

interface LoadedModel {
  session: Ort.InferenceSession;
  backend: Backend;
  id: string;
  bytes: number;
  loadMs: number;
}

let runtime: Promise<Runtime> | undefined;
/** Sessions by `model/direction`, kept for the page's life; a failed load is forgotten so it can be retried. */
const sessions = new Map<string, Promise<LoadedModel>>();

/** WebGPU needs an adapter, and onnxruntime-web's WebGPU build within the asset size limit needs JSPI. */
async function hasWebGpu(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu || !("Suspending" in WebAssembly)) return false;
  try {
    return Boolean(await gpu.requestAdapter());
  } catch {
    return false;
  }
}

async function loadRuntime(): Promise<Runtime> {
  const webgpu = await hasWebGpu();
  const ort = (await import(`${ORT_BASE}${webgpu ? "ort.jspi.min.mjs" : "ort.wasm.min.mjs"}`)) as typeof Ort;
  ort.env.wasm.wasmPaths = ORT_BASE;
  // Threads need cross-origin isolation (COOP + COEP), which would block the storage's result images on
  // this page in browsers without COEP credentialless; one thread, and WebGPU where present, instead.
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  // its notes (shape ops placed on the CPU) are not the user's business; errors still throw
  ort.env.logLevel = "error";
  return { ort, webgpu };
}

/** An ONNX Runtime failure in words: running out of memory is the one a user can act on. */
function runtimeFailure(error: unknown, modelBytes: number): BrowserTranslationError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RangeError || /memory|alloc/i.test(message)) {
    return new BrowserTranslationError(
      `This browser ran out of memory for the model (${formatBytes(modelBytes)}): translate it on the server`,
    );
  }
  return new BrowserTranslationError(`ONNX Runtime could not run the model: ${message}`);
}

async function loadModel(request: BrowserTranslationRequest): Promise<LoadedModel> {
  const started = performance.now();
  const status = request.onStatus ?? (() => undefined);
  status("Loading ONNX Runtime…");
  runtime ??= loadRuntime().catch((error: unknown) => {
    runtime = undefined;
    throw new BrowserTranslationError(
      `ONNX Runtime could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  const { ort, webgpu } = await runtime;
  const { bytes, id } = await downloadModel(
    fetch(`/v1/models/${request.model.id}/onnx?direction=${request.direction}`, { headers: request.headers }),
    {
      describe: request.describe,
      onProgress: (received, total) =>
        status(
          `Downloading the model… ${formatBytes(received)}${total ? ` of ${formatBytes(total)}` : ""}`,
          total ? received / total : undefined,
        ),
    },
  );
  status(`Starting the model on ${webgpu ? "WebGPU" : "WebAssembly"}…`);
  const create = (executionProviders: Backend[]) =>
    ort.InferenceSession.create(bytes, { executionProviders, graphOptimizationLevel: "all" });
  let backend: Backend = webgpu ? "webgpu" : "wasm";
  let session: Ort.InferenceSession;
  try {
    session = await create(webgpu ? ["webgpu", "wasm"] : ["wasm"]);
  } catch (error) {
    if (!webgpu) throw runtimeFailure(error, bytes.length);
    // a GPU that fails to start the session (driver, limits) still leaves the CPU
    backend = "wasm";
    session = await create(["wasm"]).catch((again: unknown) => {
      throw runtimeFailure(again, bytes.length);
    });
  }
  return {
    session,
    backend,
    id: id || request.model.id,
    bytes: bytes.length,
    loadMs: performance.now() - started,
  };
}

/** The picture's own pixels: no colour management, no EXIF rotation, no premultiplication (as the worker decodes). */
async function decode(file: Blob): Promise<RgbaPicture> {
  try {
    checkImageLimits(readImageHeader(new Uint8Array(await file.arrayBuffer())));
  } catch (error) {
    if (error instanceof ImageError)
      throw new BrowserTranslationError(`The image is refused: ${error.message}`);
    throw error;
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, {
      colorSpaceConversion: "none",
      premultiplyAlpha: "none",
      imageOrientation: "none",
    });
  } catch {
    throw new BrowserTranslationError("The image cannot be decoded by this browser");
  }
  const { width, height } = bitmap;
  const context = new OffscreenCanvas(width, height).getContext("2d", { willReadFrequently: true });
  if (!context) throw new BrowserTranslationError("This browser cannot read pixels from a canvas");
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return context.getImageData(0, 0, width, height, { colorSpace: "srgb" });
}

async function pngUrl(picture: RgbaPicture): Promise<string> {
  const canvas = new OffscreenCanvas(picture.width, picture.height);
  const context = canvas.getContext("2d");
  if (!context) throw new BrowserTranslationError("This browser cannot draw to a canvas");
  context.putImageData(new ImageData(picture.data, picture.width, picture.height), 0, 0);
  return URL.createObjectURL(await canvas.convertToBlob({ type: "image/png" }));
}

/**
 * Translates `file` in this browser as the server would: the same model file, the same pre- and
 * post-processing, the same outputs.
 *
 * @example
 * const { translateInBrowser } = await import("/demo/translate-in-browser.js");
 * const result = await translateInBrowser({ file, model: { id: "selfie2anime@1", size: 256 }, direction: "A2B", headers, describe });
 */
export async function translateInBrowser(
  request: BrowserTranslationRequest,
): Promise<BrowserTranslationResult> {
  const picture = await decode(request.file);
  const key = `${request.model.id}/${request.direction}`;
  let loading = sessions.get(key);
  const reused = loading !== undefined;
  if (!loading) {
    loading = loadModel(request);
    sessions.set(key, loading);
    loading.catch(() => sessions.delete(key));
  }
  const model = await loading;
  const { ort } = (await runtime) as Runtime;
  const { size } = request.model;
  request.onStatus?.(`Translating in your browser (${model.backend})…`);
  const input = new ort.Tensor("float32", toModelInput(picture, size), [1, 3, size, size]);
  const started = performance.now();
  let outputs: Ort.InferenceSession.ReturnType;
  try {
    outputs = await model.session.run({ [ONNX_INPUT]: input });
  } catch (error) {
    throw runtimeFailure(error, model.bytes);
  } finally {
    input.dispose();
  }
  const inferenceMs = performance.now() - started;
  const [image, camLogit, heatmap] = ONNX_OUTPUTS.map((name) => outputs[name]?.data as Float32Array);
  const drawn = fromModelOutputs(image!, camLogit!, heatmap!, size);
  for (const tensor of Object.values(outputs)) tensor.dispose();
  return {
    imageUrl: await pngUrl(drawn.image),
    heatmapUrl: await pngUrl(drawn.heatmap),
    camLogit: drawn.camLogit,
    backend: model.backend,
    model: model.id,
    modelBytes: model.bytes,
    loadMs: reused ? undefined : model.loadMs,
    inferenceMs,
  };
}
