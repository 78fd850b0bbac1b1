import type { Direction } from "@ugatit/contracts/directions";
import type { ModelDomains } from "@ugatit/contracts/domains";
import { type ImageProcessing, toChannelsFirst } from "@ugatit/contracts/image";
import { type GeneratorConfig, imageProcessingFor, type TorchWeights } from "@ugatit/model/architecture";
import {
  type ActivationRanges,
  type ChannelRanges,
  exportGeneratorToOnnx,
  floatConvolutions,
  ONNX_INPUT,
  ONNX_OUTPUTS,
} from "@ugatit/model/onnx";
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
  /** Keep the encoder in float32: CAM logits exact, less of the speed-up (see floatConvolutions). */
  floatEncoder?: boolean;
}

/**
 * The generator as an int8 QDQ ONNX model: the float32 graph runs on the calibration images with every
 * activation to quantise as an extra output, one image at a time (memory stays one image's), and each
 * activation's observed [min, max] becomes its uint8 range.
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
  const float = floatConvolutions(config, options.floatEncoder ?? false);
  const ranges = await measureRanges(
    exportGeneratorToOnnx(config, weights, { ...base, quantize: { calibrate: true, float } }),
    options.images,
    options.size,
    imageProcessingFor(config),
  );
  return exportGeneratorToOnnx(config, weights, { ...base, quantize: { ranges, float } });
}

/** Per-channel ranges of a calibration export's extra outputs over the images, one image at a time. */
export async function measureRanges(
  model: Uint8Array,
  images: RgbImage[],
  size: number,
  processing: ImageProcessing,
): Promise<ActivationRanges> {
  const session = await InferenceSession.create(model, { graphOptimizationLevel: "all" });
  const ranges = new Map<string, ChannelRanges>();
  try {
    const taps = session.outputNames.filter((name) => !(ONNX_OUTPUTS as readonly string[]).includes(name));
    for (const image of images) {
      const input = toChannelsFirst(toModelBatch([image], size, processing), 1, size * size, 3);
      const out = await session.run({ [ONNX_INPUT]: new Tensor("float32", input, [1, 3, size, size]) }, taps);
      for (const name of taps) {
        const tensor = out[name]!;
        const channels = tensor.dims[1]!;
        const range = ranges.get(name) ?? {
          min: new Float32Array(channels).fill(Number.POSITIVE_INFINITY),
          max: new Float32Array(channels).fill(Number.NEGATIVE_INFINITY),
        };
        const data = tensor.data as Float32Array;
        const plane = data.length / channels; // batch 1: channel c is one contiguous plane
        for (let c = 0; c < channels; c++) {
          for (const v of data.subarray(c * plane, (c + 1) * plane)) {
            if (v < range.min[c]!) range.min[c] = v;
            if (v > range.max[c]!) range.max[c] = v;
          }
        }
        ranges.set(name, range);
        tensor.dispose();
      }
    }
  } finally {
    await session.release();
  }
  return ranges;
}
