import type { Direction } from "@ugatit/contracts/directions";
import type { ModelDomains } from "@ugatit/contracts/domains";
import { type ImageProcessing, toChannelsFirst } from "@ugatit/contracts/image";
import { type GeneratorConfig, imageProcessingFor, type TorchWeights } from "@ugatit/model/architecture";
import { exportGeneratorToOnnx, type FilterMoments, int8Plan, ONNX_INPUT } from "@ugatit/model/onnx";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { toModelBatch } from "../model-io.ts";
import type { RgbImage } from "../translator.ts";

export interface QuantizeOptions {
  direction: Direction;
  untrained?: boolean;
  domains?: ModelDomains | null;
  /** The calibration images, each resized to `size` as translation does. */
  images: RgbImage[];
  size: number;
  /** Keep the encoder's convolutions in float32 too: CAM logits exact, less of the speed-up (see int8Plan). */
  floatEncoder?: boolean;
}

/**
 * The generator as an int8 ONNX model ({@link int8Plan}): the float32 graph runs on the calibration
 * images with the inputs' second moments of the convolutions GPTQ rounds as extra outputs, one image at
 * a time (memory stays one image's), and GPTQ rounds those filters with them. Activations need no
 * calibration: each is rounded with its own range when the model runs.
 */
export async function quantizeGenerator(
  config: GeneratorConfig,
  weights: TorchWeights,
  options: QuantizeOptions,
): Promise<Uint8Array<ArrayBuffer>> {
  if (options.images.length === 0) throw new Error("int8 quantisation needs at least one calibration image");
  const base = {
    direction: options.direction,
    untrained: options.untrained ?? false,
    domains: options.domains ?? null,
  };
  const plan = int8Plan(config, options.floatEncoder ?? false);
  // the moments cost K² a position: about 32² positions of each encoder convolution an image
  const stride = Math.max(1, Math.round(options.size / 128));
  const moments = await measureMoments(
    exportGeneratorToOnnx(config, weights, { ...base, quantize: { calibrate: true, stride, ...plan } }),
    options.images,
    options.size,
    imageProcessingFor(config),
  );
  return exportGeneratorToOnnx(config, weights, { ...base, quantize: { moments, ...plan } });
}

/** E[a aᵀ] of each GPTQ convolution's gathered inputs over the images (a calibration export's extra outputs). */
export async function measureMoments(
  model: Uint8Array,
  images: RgbImage[],
  size: number,
  processing: ImageProcessing,
): Promise<FilterMoments> {
  const session = await InferenceSession.create(model, { graphOptimizationLevel: "all" });
  const sums = new Map<string, { sum: Float64Array; count: number }>();
  try {
    const keys = session.outputNames
      .filter((n) => n.endsWith(":moments"))
      .map((n) => n.slice(0, -":moments".length));
    const taps = keys.flatMap((k) => [`${k}:moments`, `${k}:count`]);
    for (const image of taps.length > 0 ? images : []) {
      const input = toChannelsFirst(toModelBatch([image], size, processing), 1, size * size, 3);
      const out = await session.run({ [ONNX_INPUT]: new Tensor("float32", input, [1, 3, size, size]) }, taps);
      for (const key of keys) {
        const data = out[`${key}:moments`]!.data as Float32Array;
        const entry = sums.get(key) ?? { sum: new Float64Array(data.length), count: 0 };
        for (let i = 0; i < data.length; i++) entry.sum[i]! += data[i]!;
        entry.count += (out[`${key}:count`]!.data as Float32Array)[0]!;
        sums.set(key, entry);
      }
      for (const name of taps) out[name]!.dispose();
    }
  } finally {
    await session.release();
  }
  return new Map(
    [...sums].map(([key, { sum, count }]) => [key, sum.map((v) => v / count)] as [string, Float64Array]),
  );
}
