/**
 * @module What int8 quantisation does to each of the generator's convolutions (see {@link int8Ops} for the
 * graph): activations rounded to uint8 with the range of the tensor being convolved (DynamicQuantizeLinear,
 * when the model runs), filters int8 with one scale per output channel, the products summed in int32
 * and scaled to float32. The plan below says which convolutions stay float32, which round their input
 * in two uint8 parts (about 16 bits, one more int8 product each), and which filters GPTQ rounds on
 * calibration data (the others to nearest). Figures: docs/MODEL.md, "int8 quantisation".
 */
import type { GeneratorConfig } from "../architecture/config.ts";
import { gptq, type RoundedFilter, roundToNearest } from "./gptq.ts";

/** Which convolutions (by filter name) are quantised how. */
export interface Int8Plan {
  /** Kept in float32. */
  float: readonly string[];
  /** int8, their input rounded in two uint8 parts: the second what the first left, with its own range. */
  wideInputs: readonly string[];
  /** Rounded by GPTQ with their inputs' moments (measured in calibration); the others to nearest. */
  gptq: readonly string[];
}

/**
 * The inputs' second moments E[a aᵀ] of a convolution, a its receptive field flattened tap-major
 * ((dy, dx, channel), the order of the int8 filter's rows), by filter name.
 */
export type FilterMoments = ReadonlyMap<string, Float64Array>;

/** What the exporter asks of quantisation: record the moments to measure, or quantise with them. */
export type QuantizeMode = (
  | {
      /** The float32 graph with the moments of {@link Int8Plan.gptq}'s inputs as extra outputs. */
      calibrate: true;
      /** Every `stride`-th row and column of output positions enters the moments (each costs K²). */
      stride?: number;
    }
  | { moments: FilterMoments }
) &
  Int8Plan;

/**
 * The default plan (figures on the demo model in docs/MODEL.md). The CAM logits read the encoder's
 * output directly, through a global max that picks single positions, so the encoder keeps about 16-bit
 * precision where one uint8 rounding moves them most:
 * - float32: the stem (7×7 on the 3-channel image: gathering 147 values a position for int8 costs more
 *   than the convolution saves), the two down-sampling convolutions (everything after them reads their
 *   output: in int8 they need their input in two parts and their filter rounded by GPTQ to come close,
 *   and then run no faster than in float32) and the head (3 output channels: most of an int8 product's
 *   columns wasted);
 * - input in two parts: every encoder block's first convolution (it reads the residual stream, whose
 *   range is wide) and the first block's second;
 * - GPTQ: the encoder's convolutions.
 * The decoder and the up-sampling convolutions, which only the image reads, are plain int8 (input
 * uint8, filter int8 rounded to nearest). `keepEncoder` keeps the encoder's convolutions in float32
 * too: CAM logits exact, less of the speed-up.
 */
export function int8Plan(config: GeneratorConfig, keepEncoder = false): Int8Plan {
  const blocks = Array.from({ length: config.nBlocks }, (_, i) => `DownBlock.${12 + i}.conv_block`);
  const encoder = blocks.flatMap((b) => [`${b}.1.weight`, `${b}.5.weight`]);
  const float = ["DownBlock.1.weight", "DownBlock.5.weight", "DownBlock.9.weight", "UpBlock2.11.weight"];
  if (keepEncoder) return { float: [...float, ...encoder], wideInputs: [], gptq: [] };
  const wideInputs = [
    ...blocks.map((b) => `${b}.1.weight`),
    ...blocks.slice(0, 1).map((b) => `${b}.5.weight`),
  ];
  return { float, wideInputs, gptq: encoder };
}

/**
 * A filter [out, in, kh, kw] as rows [out, kh · kw · in], tap-major (the gathered receptive field's
 * order): the columns GPTQ rounds, and transposed the right-hand side of the int8 product.
 */
export function tapMajorRows(filter: Float32Array, [out, inputs, kh, kw]: number[]): Float32Array {
  const taps = kh! * kw!;
  const rows = new Float32Array(filter.length);
  for (let o = 0; o < out!; o++)
    for (let c = 0; c < inputs!; c++)
      for (let t = 0; t < taps; t++)
        rows[o * taps * inputs! + t * inputs! + c] = filter[(o * inputs! + c) * taps + t]!;
  return rows;
}

/** `w` [rows, columns] as int8 rows: GPTQ where the moments are known, else rounded to nearest. */
export function roundFilter(w: Float32Array, rows: number, moments: Float64Array | undefined): RoundedFilter {
  return moments ? gptq(w, rows, moments) : roundToNearest(w, rows);
}
