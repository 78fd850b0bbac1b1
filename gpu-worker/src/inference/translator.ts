import * as tf from "@tensorflow/tfjs-core";
import { modelOutputToRgb, resizeBilinear, rgbToModelInput } from "@ugatit/shared/image";
import { Generator, type GeneratorConfig, type TorchWeights } from "@ugatit/shared/model";
import type { Direction } from "@ugatit/shared/protocol";
import { loadGenerator } from "@ugatit/shared/weights";
import { activateBackend, type BackendName } from "../runtime/backends.ts";
import { resolveInputSize } from "./input-size.ts";

export type { Direction };

/** Interleaved 8-bit RGB. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface TranslatorOptions {
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
export class Translator {
  private constructor(
    readonly config: GeneratorConfig,
    readonly direction: Direction,
    readonly size: number,
    readonly backend: BackendName,
    private readonly generator: Generator,
  ) {}

  /** Reads the generator from a checkpoint and activates the backend: what the CLI does. */
  static async load(options: TranslatorOptions): Promise<Translator> {
    const { config, weights } = await loadGenerator(options.checkpoint, options.direction);
    const size = resolveInputSize(config, options.size);
    const backend = await activateBackend(options.backend);
    return Translator.fromWeights(config, weights, options.direction, size, backend);
  }

  /** A translator over weights already read, on the backend already active. */
  static fromWeights(
    config: GeneratorConfig,
    weights: TorchWeights,
    direction: Direction,
    size: number,
    backend: BackendName,
  ): Translator {
    return new Translator(config, direction, size, backend, Generator.fromTorch(config, weights));
  }

  /** Resizes (bilinear, as the official test transform) and translates; one batch, results in input order. */
  async translate(inputs: RgbImage[]): Promise<Translation[]> {
    const { size } = this;
    const batch = new Float32Array(inputs.length * size * size * 3);
    inputs.forEach((img, i) => {
      const rgb =
        img.width === size && img.height === size
          ? img.data
          : resizeBilinear(img.data, img.width, img.height, size, size);
      batch.set(rgbToModelInput(rgb, size, size), i * size * size * 3);
    });
    const x = tf.tensor4d(batch, [inputs.length, size, size, 3]);
    const out = this.generator.forward(x);
    x.dispose();
    const [image, camLogit, heatmap] = await Promise.all([
      out.image.data(),
      out.camLogit.data(),
      out.heatmap.data(),
    ]);
    tf.dispose(out);
    const pixels = size * size * 3;
    const side = size / 4;
    return inputs.map((_, i) => ({
      image: {
        width: size,
        height: size,
        data: modelOutputToRgb(image.subarray(i * pixels, (i + 1) * pixels) as Float32Array),
      },
      camLogit: [camLogit[2 * i] as number, camLogit[2 * i + 1] as number],
      heatmap: (heatmap as Float32Array).slice(i * side * side, (i + 1) * side * side),
      heatmapSide: side,
    }));
  }

  dispose(): void {
    this.generator.dispose();
  }
}
