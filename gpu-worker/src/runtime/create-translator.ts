/** @module Picks the runner for a generator: ONNX Runtime or TF.js, by the backend and the model's form. */
import { basename } from "node:path";
import type { Direction } from "@ugatit/contracts/directions";
import {
  Generator,
  type GeneratorConfig,
  releaseWeights,
  type TfVersion,
  type TorchWeights,
} from "@ugatit/model/architecture";
import { loadGenerator } from "@ugatit/model/checkpoints";
import { type OnnxModelInfo, recordGeneratorOnnx } from "@ugatit/model/onnx";
import { activateBackend, BackendError, type BackendName } from "./backends.ts";
import { resolveInputSize } from "./input-size.ts";
import { withModelFiles } from "./onnx/model-file.ts";
import { isOnnxFile, readOnnxFileInfo } from "./onnx/onnx-file.ts";
import { TfjsTranslator } from "./tfjs/tfjs-translator.ts";
import type { Precision, Translator } from "./translator.ts";

export interface TranslatorOptions {
  /** A checkpoint (PyTorch, safetensors) or a model exported by `ugatit convert --format onnx`. */
  checkpoint: string;
  direction: Direction;
  /** Input side of a light model (default 256); must match a full model's fixed size. */
  size?: number | undefined;
  backend?: string | undefined;
  /** fp16 needs the webgpu backend and a checkpoint (an `.onnx` file runs as it was exported). */
  precision?: Precision | undefined;
  /** For a TF checkpoint: its code version, instead of the one read off the file. */
  tfVersion?: TfVersion | undefined;
}

/** The backends that run on ONNX Runtime (the others are TF.js). */
export function onOnnxRuntime(backend: BackendName): backend is "onnx" | "webgpu" {
  return backend === "onnx" || backend === "webgpu";
}

function checkPrecision(backend: BackendName, precision: Precision): void {
  if (precision === "fp16" && backend !== "webgpu")
    throw new BackendError(`precision fp16 runs on the webgpu backend, not ${backend}`);
}

/** The ONNX Runtime runner, imported only when asked for (its native library is large). */
async function onnxRunner() {
  return (await import("./onnx/onnx-translator.ts")).OnnxTranslator;
}

/**
 * Reads the generator from a checkpoint or an `.onnx` file and activates the backend: what the CLI does.
 *
 * @example
 * const translator = await loadTranslator({ checkpoint: "light64.pt", direction: "A2B" });
 */
export async function loadTranslator(options: TranslatorOptions): Promise<Translator> {
  if (isOnnxFile(options.checkpoint)) {
    const info = await readOnnxFileInfo(options.checkpoint);
    if (info.direction !== options.direction) {
      throw new Error(
        `${basename(options.checkpoint)} holds the ${info.direction} generator, not ${options.direction}`,
      );
    }
    if (options.precision === "fp16")
      throw new BackendError("precision fp16 converts a checkpoint; an .onnx file runs as it was exported");
    if (options.tfVersion !== undefined && info.config.tfVersion !== options.tfVersion) {
      const exported = info.config.tfVersion ? `TF ${info.config.tfVersion}` : "PyTorch";
      throw new Error(
        `${basename(options.checkpoint)} was exported as ${exported} code; an ONNX model's code version is fixed`,
      );
    }
    const size = resolveInputSize(info.config, options.size);
    const backend = await activateBackend(options.backend ?? "onnx");
    return translatorFromOnnx(options.checkpoint, info, size, backend, basename(options.checkpoint));
  }
  const { config, weights } = await loadGenerator(options.checkpoint, options.direction, {
    tfVersion: options.tfVersion,
  });
  const size = resolveInputSize(config, options.size);
  if (options.precision === "fp16" && options.backend !== "webgpu")
    throw new BackendError("precision fp16 runs on the webgpu backend: add --backend webgpu");
  const backend = await activateBackend(options.backend);
  return translatorFromWeights(config, weights, options.direction, size, backend, {
    precision: options.precision ?? "fp32",
  });
}

/**
 * A translator over weights already read, on the backend already active. On ONNX Runtime it runs
 * `exported` (these weights already exported to ONNX, float32) when given, else streams the export to
 * a temporary folder that the session reads; either way it frees `weights` before ONNX Runtime reads the
 * model (translating with a 1.1 GB full generator peaks at about 1.3× the file; it was 4.0×). `weights`
 * is empty afterwards.
 */
export async function translatorFromWeights(
  config: GeneratorConfig,
  weights: TorchWeights,
  direction: Direction,
  size: number,
  backend: BackendName,
  options: { exported?: Uint8Array | undefined; precision?: Precision } = {},
): Promise<Translator> {
  const precision = options.precision ?? "fp32";
  checkPrecision(backend, precision);
  if (onOnnxRuntime(backend)) {
    const runner = await onnxRunner();
    const half = precision === "fp16";
    const exported = half ? undefined : options.exported;
    if (exported) {
      releaseWeights(weights);
      return runner.create(config, direction, size, exported, backend, precision);
    }
    // streamed to a file, the weights freed, then read by ONNX Runtime: one copy in memory at a time
    const model = recordGeneratorOnnx(config, weights, { direction, halfConvolutions: half });
    return withModelFiles(model, (path) => {
      releaseWeights(weights);
      return runner.create(config, direction, size, path, backend, precision);
    });
  }
  return new TfjsTranslator(config, direction, size, backend, Generator.fromTorch(config, weights));
}

/** A translator over an exported ONNX model (its bytes, or its path), whose configuration was read from it. */
export async function translatorFromOnnx(
  model: Uint8Array | string,
  info: OnnxModelInfo,
  size: number,
  backend: BackendName,
  file: string,
): Promise<Translator> {
  if (!onOnnxRuntime(backend)) {
    throw new BackendError(`${file} is an ONNX model: it runs on the onnx or webgpu backend, not ${backend}`);
  }
  const int8 = info.quantization === "int8";
  return (await onnxRunner()).create(info.config, info.direction, size, model, backend, "fp32", int8);
}
