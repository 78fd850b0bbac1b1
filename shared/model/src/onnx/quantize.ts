/**
 * @module Static int8 quantisation in QDQ form: per-channel symmetric int8 filters and uint8 activations
 * with ranges measured on calibration images, around the convolutions, so that ONNX Runtime fuses each
 * DequantizeLinear → Conv → QuantizeLinear group into one int8 convolution (QLinearConv, VNNI on x86).
 */
import type { GeneratorConfig } from "../architecture/config.ts";
import type { OnnxGraph, Value } from "./graph-builder.ts";
import { DataType } from "./onnx-proto.ts";

/** The observed range of one activation, per channel (dimension 1). */
export interface ChannelRanges {
  min: Float32Array;
  max: Float32Array;
}
/** The ranges of each tapped activation, by tap name (`<filter>:in`, `<filter>:out`). */
export type ActivationRanges = ReadonlyMap<string, ChannelRanges>;

/**
 * The encoder's convolutions feed an affine-free InstanceNorm, which undoes any positive scale of a
 * channel: their output channels are equalised before int8 (each scaled to the widest), so that one
 * per-tensor uint8 range does not flatten the narrow channels the norm then amplifies.
 */
const feedsInstanceNorm = (filter: string) => filter.startsWith("DownBlock.");

/**
 * The convolutions kept in float32, by filter name (figures on the demo model in docs/MODEL.md): the
 * stem reads the image and the head writes it (3 channels, a few % of the work); conv1x1 is CAM's; the
 * two down-sampling convolutions alone take the output from 48 to 33 dB against float32 for 5 % of the
 * work. Each encoder convolution in int8 moves the CAM logits by 1 to 10 %: `keepEncoder` keeps them
 * all in float32 (CAM logits exact, about half the work left in float32).
 */
export function floatConvolutions(config: GeneratorConfig, keepEncoder: boolean): string[] {
  const encoder = Array.from({ length: config.nBlocks }, (_, i) =>
    [1, 5].map((layer) => `DownBlock.${12 + i}.conv_block.${layer}.weight`),
  ).flat();
  return [
    "DownBlock.1.weight",
    "DownBlock.5.weight",
    "DownBlock.9.weight",
    "conv1x1.weight",
    "UpBlock2.11.weight",
    ...(keepEncoder ? encoder : []),
  ];
}

/** What the exporter asks of quantisation: record the activations to measure, or quantise with them. */
export type QuantizeMode = ({ calibrate: true } | { ranges: ActivationRanges }) & {
  /** Filter names of the convolutions to keep in float32 (both passes the same; default {@link floatConvolutions}). */
  float: readonly string[];
};

const INT8_MAX = 127;
const UINT8_MAX = 255;

/**
 * Turns convolutions into their QDQ form while the generator is recorded. In calibration mode the same
 * graph is recorded in float32 with every activation to quantise made an extra output (a tap), so the
 * ranges measured are those of the values the quantised graph rounds.
 */
export class ConvQuantizer {
  /** Calibration: the activations to measure, [value, tap name]. */
  private readonly taps: [Value, string][] = [];

  constructor(
    private readonly g: OnnxGraph,
    private readonly mode: QuantizeMode,
    /** The float32 data of a filter, when the value is an initializer that may be quantised. */
    private readonly filterData: (filter: Value) => Float32Array | undefined,
  ) {
    this.keepFloat = new Set(mode.float);
  }
  private readonly keepFloat: ReadonlySet<string>;
  /** Output ranges of the equalised convolutions, as scaled. */
  private readonly scaled = new Map<string, readonly [number, number]>();

  /** The filter's data where this convolution runs in int8, else undefined (it stays float32). */
  quantizable(filter: Value): Float32Array | undefined {
    return this.keepFloat.has(filter) ? undefined : this.filterData(filter);
  }

  /** x rounded to uint8 with its measured range (calibration: x itself, recorded as a tap). */
  activation(name: string, x: Value): Value {
    if ("calibrate" in this.mode) {
      this.taps.push([x, name]);
      return x;
    }
    const range = this.scaled.get(name) ?? tensorRange(this.mode.ranges.get(name));
    if (!range) throw new Error(`int8 export: no calibration range for ${name}`);
    const { scale, zeroPoint } = uint8Parameters(range);
    const s = this.g.initializer(`${name}:scale`, DataType.FLOAT, [], floatBytes([scale]));
    const z = this.g.initializer(`${name}:zero`, DataType.UINT8, [], Uint8Array.of(zeroPoint));
    return this.g.op("DequantizeLinear", [this.g.op("QuantizeLinear", [x, s, z]), s, z]);
  }

  /**
   * A filter [out, in, kh, kw] as int8 with one scale per output channel (max |w| / 127, zero point 0),
   * dequantised where it is used; float32 as is while calibrating.
   */
  filter(name: string, original: Float32Array, dims: number[]): Value {
    if ("calibrate" in this.mode)
      return this.g.initializer(`${name}:float`, DataType.FLOAT, dims, floatBytes(original));
    const out = dims[0]!;
    const outputs = this.mode.ranges.get(`${name}:out`);
    const per = original.length / out;
    const data = feedsInstanceNorm(name) && outputs ? this.equalise(name, original, outputs, per) : original;

    const scales = new Float32Array(out);
    const q = new Int8Array(data.length);
    for (let c = 0; c < out; c++) {
      let peak = 0;
      for (let i = c * per; i < (c + 1) * per; i++) peak = Math.max(peak, Math.abs(data[i]!));
      const scale = peak > 0 ? peak / INT8_MAX : 1;
      scales[c] = scale;
      for (let i = c * per; i < (c + 1) * per; i++) q[i] = Math.round(data[i]! / scale);
    }
    const w = this.g.initializer(`${name}:int8`, DataType.INT8, dims, new Uint8Array(q.buffer));
    const s = this.g.initializer(`${name}:scales`, DataType.FLOAT, [out], floatBytes(scales));
    const z = this.g.initializer(`${name}:zeros`, DataType.INT8, [out], new Uint8Array(out));
    return this.g.op("DequantizeLinear", [w, s, z], { axis: 0 });
  }

  /**
   * The filter with each output channel scaled so that its calibrated output reaches as far as the
   * widest channel's; the scaled output range is recorded for the activation that follows.
   */
  private equalise(name: string, data: Float32Array, outputs: ChannelRanges, per: number): Float32Array {
    const reach = Array.from(outputs.max, (hi, c) => Math.max(hi, -outputs.min[c]!));
    const widest = Math.max(...reach);
    const scaled = new Float32Array(data.length);
    let [lo, hi] = [0, 0];
    reach.forEach((r, c) => {
      const k = r > 0 ? widest / r : 1;
      for (let i = c * per; i < (c + 1) * per; i++) scaled[i] = data[i]! * k;
      lo = Math.min(lo, outputs.min[c]! * k);
      hi = Math.max(hi, outputs.max[c]! * k);
    });
    this.scaled.set(`${name}:out`, [lo, hi]);
    return scaled;
  }

  /** Calibration: makes every tap a graph output named after it (call once the graph is recorded). */
  outputTaps(): void {
    for (const [i, [value, name]] of this.taps.entries())
      this.g.output(value, name, DataType.FLOAT, ["batch", `c${i}`, `h${i}`, `w${i}`]);
  }
}

/** The range of a whole tensor from its channels'. */
function tensorRange(ranges: ChannelRanges | undefined): [number, number] | undefined {
  if (!ranges) return undefined;
  return [Math.min(...ranges.min), Math.max(...ranges.max)];
}

/** Scale and zero point of a uint8 range that holds [min, max] and represents 0 exactly. */
export function uint8Parameters([min, max]: readonly [number, number]): { scale: number; zeroPoint: number } {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  const scale = hi > lo ? (hi - lo) / UINT8_MAX : 1;
  return { scale, zeroPoint: Math.min(UINT8_MAX, Math.max(0, Math.round(-lo / scale))) };
}

function floatBytes(values: ArrayLike<number>): Uint8Array {
  const data = Float32Array.from(values);
  return new Uint8Array(data.buffer);
}
