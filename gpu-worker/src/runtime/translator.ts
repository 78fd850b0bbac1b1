/** @module What every runner of a generator offers, and the images it takes and gives. */
import type { Direction } from "@ugatit/contracts/directions";
import type { GeneratorConfig } from "@ugatit/model/architecture";
import type { BackendName } from "./backends.ts";

export type { Direction };

/** The arithmetic of the convolutions: float32, or float16 on the webgpu backend (the adapter's shader-f16). */
export const PRECISIONS = ["fp32", "fp16"] as const;
export type Precision = (typeof PRECISIONS)[number];

/** Interleaved 8-bit RGB. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
  /** The EXIF orientation the pixels are stored in; applied for models whose test path applies it. */
  orientation?: number;
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
  /** ONNX Runtime's provider (`tensorrt`, `cuda`, `cpu`, `webgpu`); TF.js backends have none. */
  readonly executionProvider?: string;
  readonly precision: Precision;
  /** Resizes (bilinear, as the official test transform) and translates; one batch, results in input order. */
  translate(inputs: RgbImage[]): Promise<Translation[]>;
  dispose(): void;
}
