import { basename } from "node:path";
import type { Direction } from "@ugatit/contracts/protocol";
import { Generator, type GeneratorConfig, type TorchWeights } from "@ugatit/model/architecture";
import { loadGenerator } from "@ugatit/model/checkpoints";
import { exportGeneratorToOnnx, type OnnxModelInfo } from "@ugatit/model/onnx";
import { isOnnxFile, readOnnxFileInfo } from "../onnx/onnx-file.ts";
import { activateBackend, BackendError, type BackendName } from "../runtime/backends.ts";
import { resolveInputSize } from "./input-size.ts";
import { TfjsTranslator } from "./tfjs-translator.ts";

export type { Direction };

/** Interleaved 8-bit RGB. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface TranslatorOptions {
  /** A checkpoint (PyTorch, safetensors) or a model exported by `ugatit convert --format onnx`. */
  checkpoint: string;
  direction: Direction;
  /** Input side of a light model (default 256); must match a full model's fixed size. */
  size?: number | undefined;
  backend?: string | undefined;
}

export interface Translation {
  /** The translated image, size × size. */
  image: RgbImage;
  camLogit: [number, number];
  /** The raw attention map, (size/4)², as the official `heatmap[0, 0]`. */
  heatmap: Float32Array;
  heatmapSide: number;
}

/** One generator on one backend, translating batches of images at the model's input size. */
export interface Translator {
  readonly config: GeneratorConfig;
  readonly direction: Direction;
  readonly size: number;
  readonly backend: BackendName;
  /** ONNX Runtime's provider (`tensorrt`, `cuda`, `cpu`); TF.js backends have none. */
  readonly executionProvider?: string;
  /** Resizes (bilinear, as the official test transform) and translates; one batch, results in input order. */
  translate(inputs: RgbImage[]): Promise<Translation[]>;
  dispose(): void;
}

/** The ONNX Runtime implementation, imported only when asked for. */
async function onnxTranslator() {
  return (await import("../onnx/onnx-translator.ts")).OnnxTranslator;
}

export const Translator = {
  /** Reads the generator from a checkpoint or an `.onnx` file and activates the backend: what the CLI does. */
  async load(options: TranslatorOptions): Promise<Translator> {
    if (isOnnxFile(options.checkpoint)) {
      const info = await readOnnxFileInfo(options.checkpoint);
      if (info.direction !== options.direction) {
        throw new Error(
          `${basename(options.checkpoint)} holds the ${info.direction} generator, not ${options.direction}`,
        );
      }
      const size = resolveInputSize(info.config, options.size);
      const backend = await activateBackend(options.backend ?? "onnx");
      return Translator.fromOnnxFile(options.checkpoint, info, size, backend);
    }
    const { config, weights } = await loadGenerator(options.checkpoint, options.direction);
    const size = resolveInputSize(config, options.size);
    const backend = await activateBackend(options.backend);
    return Translator.fromWeights(config, weights, options.direction, size, backend);
  },

  /** A translator over weights already read, on the backend already active (exported to ONNX in memory for `onnx`). */
  async fromWeights(
    config: GeneratorConfig,
    weights: TorchWeights,
    direction: Direction,
    size: number,
    backend: BackendName,
  ): Promise<Translator> {
    if (backend === "onnx") {
      const model = exportGeneratorToOnnx(config, weights, { direction });
      return (await onnxTranslator()).create(config, direction, size, model);
    }
    return new TfjsTranslator(config, direction, size, backend, Generator.fromTorch(config, weights));
  },

  /** A translator over an exported `.onnx` file, whose configuration was read from it. */
  async fromOnnxFile(
    path: string,
    info: OnnxModelInfo,
    size: number,
    backend: BackendName,
  ): Promise<Translator> {
    if (backend !== "onnx") {
      throw new BackendError(
        `${basename(path)} is an ONNX model: it runs on the onnx backend, not ${backend}`,
      );
    }
    return (await onnxTranslator()).create(info.config, info.direction, size, path);
  },
};
