import * as tf from "@tensorflow/tfjs-core";
import type { Direction } from "@ugatit/contracts/directions";
import { type Generator, type GeneratorConfig, imageProcessingFor } from "@ugatit/model/architecture";
import type { BackendName } from "../backends.ts";
import { toModelBatch, toTranslations } from "../model-io.ts";
import type { RgbImage, Translation, Translator } from "../translator.ts";

/** A generator on the active TF.js backend. */
export class TfjsTranslator implements Translator {
  readonly precision = "fp32";

  constructor(
    readonly config: GeneratorConfig,
    readonly direction: Direction,
    readonly size: number,
    readonly backend: BackendName,
    private readonly generator: Generator,
  ) {}

  async translate(inputs: RgbImage[]): Promise<Translation[]> {
    const { size } = this;
    const processing = imageProcessingFor(this.config);
    const x = tf.tensor4d(toModelBatch(inputs, size, processing), [inputs.length, size, size, 3]);
    const out = this.generator.forward(x);
    x.dispose();
    const [image, camLogit, heatmap] = await Promise.all([
      out.image.data(),
      out.camLogit.data(),
      out.heatmap.data(),
    ]);
    tf.dispose(out);
    return toTranslations(
      inputs.length,
      size,
      image as Float32Array,
      camLogit as Float32Array,
      heatmap as Float32Array,
      processing,
    );
  }

  dispose(): void {
    this.generator.dispose();
  }
}
