/** @module Picks the runner for a generator: ONNX Runtime or TF.js, by the backend and the model's form. */
import { basename } from "node:path";
import type { Direction } from "@ugatit/contracts/directions";
import { Generator, type GeneratorConfig, type TorchWeights } from "@ugatit/model/architecture";
import { loadGenerator } from "@ugatit/model/checkpoints";
import { exportGeneratorToOnnx, type OnnxModelInfo } from "@ugatit/model/onnx";
import { activateBackend, BackendError, type BackendName } from "./backends.ts";
import { resolveInputSize } from "./input-size.ts";
import { isOnnxFile, readOnnxFileInfo } from "./onnx/onnx-file.ts";
import { TfjsTranslator } from "./tfjs/tfjs-translator.ts";
import type { Translator } from "./translator.ts";

export interface TranslatorOptions {
  /** A checkpoint (PyTorch, safetensors) or a model exported by `ugatit convert --format onnx`. */
  checkpoint: string;
  direction: Direction;
  /** Input side of a light model (default 256); must match a full model's fixed size. */
  size?: number | undefined;
  backend?: string | undefined;
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
    const size = resolveInputSize(info.config, options.size);
    const backend = await activateBackend(options.backend ?? "onnx");
    return translatorFromOnnx(options.checkpoint, info, size, backend, basename(options.checkpoint));
  }
  const { config, weights } = await loadGenerator(options.checkpoint, options.direction);
  const size = resolveInputSize(config, options.size);
  const backend = await activateBackend(options.backend);
  return translatorFromWeights(config, weights, options.direction, size, backend);
}

/**
 * A translator over weights already read, on the backend already active. On `onnx` it runs `exported`
 * (these weights already exported to ONNX) when given, else exports them in memory.
 */
export async function translatorFromWeights(
  config: GeneratorConfig,
  weights: TorchWeights,
  direction: Direction,
  size: number,
  backend: BackendName,
  exported?: Uint8Array,
): Promise<Translator> {
  if (backend === "onnx") {
    const model = exported ?? exportGeneratorToOnnx(config, weights, { direction });
    return (await onnxRunner()).create(config, direction, size, model);
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
  if (backend !== "onnx") {
    throw new BackendError(`${file} is an ONNX model: it runs on the onnx backend, not ${backend}`);
  }
  return (await onnxRunner()).create(info.config, info.direction, size, model);
}
