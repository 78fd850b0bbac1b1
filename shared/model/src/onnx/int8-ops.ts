/**
 * @module The generator's graph with int8 convolutions, for ONNX Runtime's CPU provider. A convolution's
 * input is rounded to uint8 with the tensor's own range (DynamicQuantizeLinear: nothing is clipped,
 * whatever the image), its receptive fields gathered into rows (one Gather, the padding folded into the
 * indices), and multiplied by the int8 filter in one MatMulInteger whose int32 sums are scaled to
 * float32 (ONNX Runtime fuses the three into MatMulIntegerToFloat, VNNI/AMX): the output is not rounded
 * again. Between convolutions the activations stay channels-last, so no layout transposes are needed;
 * the norms take their statistics over the rows. An up-sampling convolution (nearest 2×, then 3×3)
 * computes, for each 2×2 window of the edge-padded source, the four output pixels it decides, one
 * product of 4 · C inputs by 4 · out outputs, and leaves them in place ("windows" layout): the next
 * gather reads them there, and only the float32 head gets a channels-first image.
 */
import type { ConvOptions, TensorOps, Variance } from "../architecture/ops.ts";
import type { OnnxGraph, Value } from "./graph-builder.ts";
import { onnxOps } from "./onnx-ops.ts";
import { DataType } from "./onnx-proto.ts";
import { type QuantizeMode, roundFilter, tapMajorRows } from "./quantize.ts";

const EPS = 1e-5;
/** Below this many output channels a convolution stays float32 (the int8 product's columns wasted). */
const FEW_CHANNELS = 4;
/** Slice's "to the end". */
const MAX_INT64 = 2 ** 62;

/** A spatial size: int64 tensors of shape [1]. */
interface Grid {
  h: Value;
  w: Value;
}
/**
 * Channels-last values: `nhwc` [B, H, W, C] (grid H, W), or `windows` [B, H + 1, W + 1, 2, 2, C] (grid
 * H + 1, W + 1): the output of an up-sampling convolution, a 2H × 2W image whose pixel (y, x) is in
 * window ((y + 1) / 2, (x + 1) / 2) at ((y + 1) % 2, (x + 1) % 2); the first window row and column, and
 * the last, hold one pixel outside the image (junk the norms leave out and no gather reads).
 */
interface Rows {
  windows: boolean;
  grid: Grid;
  channels: number;
}

/**
 * The 3×3 taps an up-sampling window's row (or column) u carries, for the output pixel a: the odd
 * pixel 2m − 1 reads the source's m − 1 (w0 + w1) and m (w2), the even pixel 2m reads m − 1 (w0) and
 * m (w1 + w2), the window's two rows being m − 1 and m (edge-clamped).
 */
const WINDOW_TAPS = [
  [[0, 1], [2]],
  [[0], [1, 2]],
] as const;

/** An int8 graph's ops and, in calibration, the call that adds the moment taps as outputs. */
export interface Int8Ops {
  ops: TensorOps<Value>;
  outputTaps(): void;
}

/**
 * {@link TensorOps} recording the int8 graph (or, with `{ calibrate }`, its float32 twin with the moments
 * as taps). Convolutions whose filter `filterData` resolves and `mode.float` does not name run in int8.
 */
export function int8Ops(
  g: OnnxGraph,
  mode: QuantizeMode,
  filterData: (filter: Value) => Float32Array | undefined,
): Int8Ops {
  const base = onnxOps(g);
  const op = g.op.bind(g);
  const keepFloat = new Set(mode.float);
  const wideInputs = new Set(mode.wideInputs);
  const gptqFilters = new Set(mode.gptq);
  const calibrate = "calibrate" in mode;
  const sampleStride = "calibrate" in mode ? (mode.stride ?? 1) : 1;
  const rows = new Map<Value, Rows>();
  // the source of each nearest 2× up-sampling, by its output (a convolution of it runs on the source)
  const upsampled = new Map<Value, Value>();
  const taps: [Value, string][] = [];
  const indexCache = new Map<string, { idx: Value; grid: Grid }>();

  const i64 = (values: number[]) => g.int64s(values);
  const scalar = (v: Value) => op("Squeeze", [v, i64([0])]);
  const dimOf = (x: Value, axis: number) => op("Shape", [x], { start: axis, end: axis + 1 });
  const rowsOf = (x: Value) => {
    const r = rows.get(x);
    if (!r) throw new Error("int8 export: expected a channels-last value");
    return r;
  };
  const tag = <T extends Value>(x: T, r: Rows): T => {
    rows.set(x, r);
    return x;
  };
  /** [B, R, C]: the rows of a channels-last value. */
  const rowView = (x: Value, channels: number) => op("Reshape", [x, i64([0, -1, channels])]);
  const images = new Map<Grid, Grid>();
  /** The image size of a rows layout (one Grid per size: layouts compare grids by identity). */
  const logical = (r: Rows): Grid => {
    if (!r.windows) return r.grid;
    let grid = images.get(r.grid);
    if (!grid) {
      const image = (n: Value) => op("Mul", [op("Sub", [n, i64([1])]), i64([2])]);
      grid = { h: image(r.grid.h), w: image(r.grid.w) };
      images.set(r.grid, grid);
    }
    return grid;
  };

  /** Channels-first [B, C, H, W]. */
  const toNchw = (x: Value): Value => {
    const r = rows.get(x);
    if (!r) return x;
    if (!r.windows) return op("Transpose", [x], { perm: [0, 3, 1, 2] });
    // the image's pixels gathered from their windows (channels-last), then transposed
    const { idx } = convIndices(r, 1, 1, [0, 0, 0, 0], "edge");
    const image = op("Reshape", [
      op("Gather", [rowView(x, r.channels), idx], { axis: 1 }),
      i64([0, 0, 0, -1]),
    ]);
    return op("Transpose", [image], { perm: [0, 3, 1, 2] });
  };
  const grids = new Map<Value, Grid>();
  /** The grid of a channels-first value (one object per value: layouts compare grids by identity). */
  const gridOf = (x: Value): Grid => {
    let grid = grids.get(x);
    if (!grid) {
      grid = { h: dimOf(x, 2), w: dimOf(x, 3) };
      grids.set(x, grid);
    }
    return grid;
  };
  const transposed = new Map<Value, Value>();
  /** A channels-first value as channels-last (float32: one Transpose, shared by its readers). */
  const toRows = (x: Value, channels: number): Value => {
    if (rows.has(x)) return x;
    let y = transposed.get(x);
    if (!y) {
      y = tag(op("Transpose", [x], { perm: [0, 2, 3, 1] }), { windows: false, grid: gridOf(x), channels });
      transposed.set(x, y);
    }
    return y;
  };

  /**
   * Per dimension: the offset (in rows) of image coordinate c in a rows layout. nhwc: y · W and x;
   * windows: the window ((c + 1) / 2), then the pixel in it ((c + 1) % 2).
   */
  const offsets = (r: Rows, c: Value, vertical: boolean): Value => {
    const { w } = r.grid;
    if (!r.windows) return vertical ? op("Mul", [c, w]) : c;
    const shifted = op("Add", [c, i64([1])]);
    const window = op("Div", [shifted, i64([2])]);
    const pixel = op("Mod", [shifted, i64([2])]);
    return vertical
      ? op("Add", [op("Mul", [window, op("Mul", [w, i64([4])])]), op("Mul", [pixel, i64([2])])])
      : op("Add", [op("Mul", [window, i64([4])]), pixel]);
  };
  /** Coordinates clamped (edge) or reflected into [0, length). */
  const resolve = (c: Value, length: Value, padMode: "reflect" | "edge") => {
    const last = op("Sub", [length, i64([1])]);
    if (padMode === "edge") return op("Max", [op("Min", [c, last]), i64([0])]);
    return op("Sub", [last, op("Abs", [op("Sub", [last, op("Abs", [c])])])]);
  };
  const range = (n: Value) => op("Range", [scalar(i64([0])), scalar(n), scalar(i64([1]))]);

  /** Gather indices [H', W', k²] (tap-major) of a k×k convolution over a rows layout, and its output grid. */
  const convIndices = (
    r: Rows,
    k: number,
    stride: number,
    pads: [number, number, number, number],
    padMode: "reflect" | "edge",
  ) => {
    const key = `conv ${r.grid.h} ${r.grid.w} ${r.windows} ${k} ${stride} ${pads} ${padMode}`;
    const known = indexCache.get(key);
    if (known) return known;
    const size = logical(r);
    const axis = (length: Value, before: number, after: number, vertical: boolean) => {
      const out = op("Add", [
        op("Div", [op("Add", [length, i64([before + after - k])]), i64([stride])]),
        i64([1]),
      ]);
      const starts = op("Unsqueeze", [
        op("Sub", [op("Mul", [range(out), i64([stride])]), i64([before])]),
        i64([1]),
      ]);
      const coords = op("Add", [starts, i64(Array.from({ length: k }, (_, t) => t))]); // [n, k]
      return { out, offsets: offsets(r, resolve(coords, length, padMode), vertical) };
    };
    const [top, left, bottom, right] = pads;
    const ys = axis(size.h, top, bottom, true);
    const xs = axis(size.w, left, right, false);
    const idx = op("Reshape", [
      op("Add", [op("Unsqueeze", [ys.offsets, i64([1, 3])]), op("Unsqueeze", [xs.offsets, i64([0, 2])])]),
      i64([0, 0, -1]),
    ]);
    // a same-size convolution keeps its input's grid (layouts compare grids by identity)
    const same = stride === 1 && top + bottom === k - 1 && left + right === k - 1;
    const result = { idx, grid: same ? size : { h: ys.out, w: xs.out } };
    indexCache.set(key, result);
    return result;
  };
  /**
   * x channels-last (a channels-first x transposed once, for its other readers too) and rounded to uint8
   * with its own range: the values, their scale and zero point, and for a wide input a second part.
   * While calibrating: x itself.
   */
  const quantized = (input: Value, channels: number, key: string) => {
    const x = toRows(input, channels);
    const r = rowsOf(x);
    if (calibrate) return { r, parts: [{ q: x, scale: "", zero: "" }] };
    const rectifiedFrom = rectified.get(x);
    if (rectifiedFrom !== undefined && !wideInputs.has(key)) {
      // ReLU's output: its range is [0, max], and rounding z to uint8 with zero point 0 clamps the
      // negatives itself, so the ReLU is left out (nothing else reads it: pruned) and one pass saved
      const peak = op("Max", [op("ReduceMax", [rectifiedFrom], { keepdims: 0 }), g.floats([1e-30], [])]);
      const scale = op("Div", [peak, g.floats([255], [])]);
      const zero = g.initializer(`${key}:zero`, DataType.UINT8, [], Uint8Array.of(0));
      return { r, parts: [{ q: op("QuantizeLinear", [rectifiedFrom, scale, zero]), scale, zero }] };
    }
    const [q, scale, zero] = g.opOutputs("DynamicQuantizeLinear", [x], 3) as [Value, Value, Value];
    const parts = [{ q, scale, zero }];
    if (wideInputs.has(key)) {
      // what the first rounding left (at most half its step), rounded 254× finer around 0
      const fine = op("Div", [scale, g.floats([254], [])]);
      const middle = g.initializer(`${key}:rest:zero`, DataType.UINT8, [], Uint8Array.of(128));
      const left = op("Sub", [x, op("DequantizeLinear", [q, scale, zero])]);
      parts.push({ q: op("QuantizeLinear", [left, fine, middle]), scale: fine, zero: middle });
    }
    return { r, parts };
  };

  /**
   * The int8 product of the gathered input parts [..., K] and the filter ([out, K] rows) in float32,
   * summed over the parts. In calibration: a float32 MatMul, and for GPTQ the moments of the rows as taps.
   */
  const product = (
    key: string,
    inputs: { a: Value; scale: Value; zero: Value }[],
    w: Float32Array,
    out: number,
  ) => {
    const k = w.length / out;
    const a = inputs[0]!.a;
    if (calibrate) {
      const data = new Float32Array(k * out);
      for (let o = 0; o < out; o++) for (let i = 0; i < k; i++) data[i * out + o] = w[o * k + i]!;
      if (gptqFilters.has(key)) {
        const s = sampleStride;
        const sample =
          s > 1 ? op("Slice", [a, i64([0, 0]), i64([MAX_INT64, MAX_INT64]), i64([1, 2]), i64([s, s])]) : a;
        const flat = op("Reshape", [sample, i64([-1, k])]);
        taps.push([op("MatMul", [op("Transpose", [flat], { perm: [1, 0] }), flat]), `${key}:moments`]);
        taps.push([op("Cast", [dimOf(flat, 0)], { to: DataType.FLOAT }), `${key}:count`]);
      }
      return op("MatMul", [a, g.initializer(`${key}:float`, DataType.FLOAT, [k, out], bytes(data))]);
    }
    const rounded = roundFilter(w, out, "moments" in mode ? mode.moments.get(key) : undefined);
    const q = new Int8Array(k * out);
    for (let o = 0; o < out; o++) for (let i = 0; i < k; i++) q[i * out + o] = rounded.q[o * k + i]!;
    const filter = g.initializer(`${key}:int8`, DataType.INT8, [k, out], new Uint8Array(q.buffer));
    const filterScales = g.initializer(`${key}:scales`, DataType.FLOAT, [out], bytes(rounded.scales));
    // MatMulInteger → Cast → Mul by the two scales' product: ONNX Runtime's MatMulIntegerToFloat
    const products = inputs.map((input) =>
      op("Mul", [
        op("Cast", [op("MatMulInteger", [input.a, filter, input.zero])], { to: DataType.FLOAT }),
        op("Mul", [input.scale, filterScales]),
      ]),
    );
    return products.reduce((sum, y) => op("Add", [sum, y]));
  };

  /** An int8 convolution (ReflPad/EdgePad → Conv k×k, stride), channels-last out. */
  const int8Conv = (
    x: Value,
    key: string,
    data: Float32Array,
    dims: number[],
    options: ConvOptions<Value>,
  ) => {
    const { pad = 0, stride = 1, bias } = options;
    const [before, after] = typeof pad === "number" ? [pad, pad] : pad;
    const [out, inputs, k] = dims as [number, number, number];
    const source = upsampled.get(x);
    const { r, parts } = quantized(source ?? x, inputs, key);
    let gather = (v: Value) => v;
    let layout: Rows = { ...r, channels: out };
    let columns: Float32Array;
    let width = out;
    if (source !== undefined) {
      // nearest 2×, reflect 1, 3×3: each 2×2 window of the edge-padded source decides four output pixels
      const indices = convIndices(r, 2, 1, [1, 1, 1, 1], "edge");
      gather = (v) =>
        op("Reshape", [op("Gather", [rowView(v, inputs), indices.idx], { axis: 1 }), i64([0, 0, 0, -1])]);
      columns = windowFilter(data, dims);
      width = 4 * out;
      layout = { windows: true, grid: indices.grid, channels: out };
    } else {
      if (k > 1 || before + after > 0 || stride > 1) {
        const indices = convIndices(r, k, stride, [before, before, after, after], "reflect");
        gather = (v) =>
          op("Reshape", [op("Gather", [rowView(v, inputs), indices.idx], { axis: 1 }), i64([0, 0, 0, -1])]);
        layout = { windows: false, grid: indices.grid, channels: out };
      }
      columns = tapMajorRows(data, dims);
    }
    const gathered = parts.map((p) => ({ a: gather(p.q), scale: p.scale, zero: p.zero }));
    let y = product(key, gathered, columns, width);
    if (bias) {
      const b = op("Reshape", [bias, i64([-1])]);
      y = op("Add", [y, width > out ? op("Tile", [b, i64([width / out])]) : b]); // a window's pixels: 4 · out
    }
    return tag(y, layout);
  };

  /** x · scale + shift, per channel ([B, 1, C] each), shaped as x. */
  const affine = (x: Value, r: Rows, scale: Value, shift: Value) => {
    const scaled = op("Mul", [rowView(x, r.channels), scale]);
    const y = tag(op("Reshape", [op("Add", [scaled, shift]), op("Shape", [x])]), r);
    affineParts.set(y, { scaled, shift });
    return y;
  };
  /** The outputs of affine, by their parts [B, R, C] and [B, 1, C] (an Add of one sums all three at once). */
  const affineParts = new Map<Value, { scaled: Value; shift: Value }>();
  /**
   * The means of x and x² over the rows, [B, 1, C], and their count n (float): products with a row of
   * 1 / n (ONNX Runtime reduces the middle axis of [B, R, C] several times slower than this).
   */
  const averages = new Map<string, { average: Value; n: Value }>();
  const rowMeans = (x: Value, r: Rows, squares = true) => {
    const v = rowView(x, r.channels);
    const key = `${r.grid.h} ${r.grid.w} ${r.windows}`;
    let known = averages.get(key);
    if (!known) {
      if (!r.windows) {
        const count = dimOf(v, 1);
        const n = op("Cast", [count], { to: DataType.FLOAT });
        // ConstantOfShape's zeros (float32 by default) + 1 / n: [1, R], one per grid
        const average = op("Unsqueeze", [
          op("Add", [op("ConstantOfShape", [count]), op("Reciprocal", [n])]),
          i64([0]),
        ]);
        known = { average, n };
      } else {
        // 1 / n at the image's pixels, 0 at the windows' junk ones: [H + 1, 2] ⊗ [W + 1, 2], laid out
        // as the windows are ([H + 1, W + 1, 2, 2]), n = 4 · H · W
        const inside = (windows: Value) => {
          const y = op("Sub", [
            op("Add", [op("Unsqueeze", [op("Mul", [range(windows), i64([2])]), i64([1])]), i64([0, 1])]),
            i64([1]),
          ]); // [windows, 2]: the pixel's image coordinate
          const image = op("Mul", [op("Sub", [windows, i64([1])]), i64([2])]);
          const within = op("And", [op("GreaterOrEqual", [y, i64([0])]), op("Less", [y, image])]);
          return { mask: op("Cast", [within], { to: DataType.FLOAT }), image };
        };
        const ys = inside(r.grid.h);
        const xs = inside(r.grid.w);
        const mask = op("Mul", [
          op("Unsqueeze", [ys.mask, i64([1, 3])]),
          op("Unsqueeze", [xs.mask, i64([0, 2])]),
        ]);
        const n = op("Cast", [op("Mul", [ys.image, xs.image])], { to: DataType.FLOAT });
        const average = op("Div", [op("Reshape", [mask, i64([1, -1])]), n]);
        known = { average, n };
      }
      averages.set(key, known);
    }
    const { average, n } = known;
    return {
      mean: op("MatMul", [average, v]),
      meanSquare: squares ? op("MatMul", [average, op("Mul", [v, v])]) : "",
      n,
    };
  };
  const channelVector = (p: Value) => op("Reshape", [p, i64([1, 1, -1])]);
  const inverseStd = (squares: Value, n: Value, variance: Variance) => {
    const divisor = variance === "unbiased" ? op("Sub", [n, g.floats([1], [])]) : n;
    return op("Reciprocal", [op("Sqrt", [op("Add", [op("Div", [squares, divisor]), g.floats([EPS], [])])])]);
  };
  /** rho · IN + (1 − rho) · LN, scaled by gamma and shifted by beta ([1 or B, 1, C] each), as mixedNorm. */
  const mixedNorm = (x: Value, rho: Value, gamma: Value, beta: Value, variance: Variance) => {
    const r = rowsOf(x);
    const { mean: inMean, meanSquare, n } = rowMeans(x, r);
    // Σ (x − m_c)² = n · (E[x²] − m_c²)
    const inSquares = op("Mul", [op("Relu", [op("Sub", [meanSquare, op("Mul", [inMean, inMean])])]), n]);
    const lnMean = op("ReduceMean", [inMean], { axes: [2], keepdims: 1 });
    const spread = op("Sub", [inMean, lnMean]);
    const lnSquares = op("ReduceSum", [
      op("Add", [inSquares, op("Mul", [op("Mul", [spread, spread]), n])]),
      i64([2]),
    ]);
    const inWeight = op("Mul", [rho, inverseStd(inSquares, n, variance)]);
    const lnWeight = op("Mul", [
      op("Sub", [g.floats([1], []), rho]),
      inverseStd(lnSquares, op("Mul", [n, g.floats([r.channels], [])]), variance),
    ]);
    const scale = op("Mul", [op("Add", [inWeight, lnWeight]), gamma]);
    const centre = op("Add", [op("Mul", [inMean, inWeight]), op("Mul", [lnMean, lnWeight])]);
    return affine(x, r, scale, op("Sub", [beta, op("Mul", [centre, gamma])]));
  };

  /** Channels scaled by a per-channel weight, and concatenations of such scalings of one value. */
  const scaled = new Map<Value, { source: Value; weight: Value }>();
  const concatenated = new Map<Value, { source: Value; weights: Value[] }>();
  /**
   * A 1×1 convolution of [x · w₁, x · w₂, …] (CAM's conv1x1) as one of x, the constant weights folded
   * into the filter: half the input to round and to multiply, and no scaled copies.
   */
  const foldScaledConcat = (x: Value, data: Float32Array, dims: number[], options: ConvOptions<Value>) => {
    const group = concatenated.get(x);
    const [out, inputs, k] = dims as [number, number, number];
    if (!group || k !== 1 || (options.pad ?? 0) !== 0 || (options.stride ?? 1) !== 1) return undefined;
    const weights = group.weights.map((w) => filterData(w));
    const channels = rowsOf(group.source).channels;
    if (weights.some((w) => w?.length !== channels) || channels * weights.length !== inputs) return undefined;
    const folded = new Float32Array(out * channels);
    for (let o = 0; o < out; o++)
      weights.forEach((w, i) => {
        for (let c = 0; c < channels; c++)
          folded[o * channels + c]! += data[o * inputs + i * channels + c]! * w![c]!;
      });
    return { x: group.source, data: folded, dims: [out, channels, 1, 1] };
  };
  /** ReLU outputs (channels-last), by the value rectified. */
  const rectified = new Map<Value, Value>();
  /** Elementwise on channels-last values (both the same layout) or channels-first ones. */
  const elementwise = (type: string, xs: Value[], attributes?: Parameters<typeof op>[2]) => {
    const layouts = xs.map((x) => rows.get(x));
    const r = layouts.find((l) => l !== undefined);
    if (!r) return op(type, xs, attributes);
    // channels-first operands of a channels-last one are transposed (once each): the int8 convolutions
    // that follow read channels-last
    const inputs = r.windows ? xs : xs.map((x) => toRows(x, r.channels));
    const same = inputs.every((x) => {
      const l = rows.get(x);
      return l && l.windows === r.windows && l.grid === r.grid;
    });
    if (!same) return op(type, xs.map(toNchw), attributes);
    const y = tag(op(type, inputs, attributes), r);
    if (type === "Relu") rectified.set(y, inputs[0]!);
    return y;
  };

  const ops: TensorOps<Value> = {
    ...base,
    conv(x, filter, options = {}) {
      const dims = g.dims.get(filter) ?? [];
      const data = keepFloat.has(filter) ? undefined : filterData(filter);
      const source = upsampled.get(x);
      const [out = 0, , k = 0] = dims;
      const [before, after] =
        typeof options.pad === "number" || options.pad === undefined
          ? [options.pad ?? 0, options.pad ?? 0]
          : options.pad;
      const upsampling =
        source !== undefined && k === 3 && before === 1 && after === 1 && (options.stride ?? 1) === 1;
      if (data === undefined || out < FEW_CHANNELS || (source !== undefined && !upsampling)) {
        const input = source !== undefined ? base.upsampleNearest2x(toNchw(source)) : toNchw(x);
        return base.conv(input, filter, options);
      }
      const folded = foldScaledConcat(x, data, dims, options);
      const y = folded
        ? int8Conv(folded.x, filter, folded.data, folded.dims, options)
        : int8Conv(x, filter, data, dims, options);
      const activation = options.activation ?? "linear";
      if (activation === "linear") return y;
      return activation === "relu"
        ? elementwise("Relu", [y])
        : elementwise("LeakyRelu", [y], { alpha: { float: 0.2 } });
    },
    instanceNorm(x, affineParams) {
      const r = rows.get(x);
      if (!r) return base.instanceNorm(x, affineParams);
      const { mean, meanSquare } = rowMeans(x, r);
      const variance = op("Relu", [op("Sub", [meanSquare, op("Mul", [mean, mean])])]);
      const inv = op("Reciprocal", [op("Sqrt", [op("Add", [variance, g.floats([EPS], [])])])]);
      let scale = inv;
      let shift = op("Neg", [op("Mul", [mean, inv])]);
      if (affineParams) {
        const gamma = channelVector(affineParams.gamma);
        scale = op("Mul", [inv, gamma]);
        shift = op("Add", [op("Mul", [shift, gamma]), channelVector(affineParams.beta)]);
      }
      return affine(x, r, scale, shift);
    },
    layerInstanceNorm(x, rho, gamma, beta, variance) {
      if (!rows.has(x)) return base.layerInstanceNorm(x, rho, gamma, beta, variance);
      return mixedNorm(x, channelVector(rho), channelVector(gamma), channelVector(beta), variance);
    },
    adaILN(x, rho, gamma, beta, variance) {
      if (!rows.has(x)) return base.adaILN(x, rho, gamma, beta, variance);
      const perImage = (t: Value) => op("Unsqueeze", [t, i64([1])]); // [B, C] → [B, 1, C]
      return mixedNorm(x, channelVector(rho), perImage(gamma), perImage(beta), variance);
    },
    relu: (x) => elementwise("Relu", [x]),
    tanh: (x) => elementwise("Tanh", [x]),
    add(a, b) {
      // x + (y · scale + shift) as one Sum of three (a residual block's end): one pass instead of two
      const [other, normed] = affineParts.has(b) ? [a, b] : [b, a];
      const parts = affineParts.get(normed);
      const r = rows.get(normed);
      const x = r && !r.windows ? toRows(other, r.channels) : other;
      const same = r && rows.get(x)?.grid === r.grid && rows.get(x)?.windows === r.windows;
      if (!parts || !r || !same) return elementwise("Add", [a, b]);
      const sum = op("Sum", [rowView(x, r.channels), parts.scaled, parts.shift]);
      return tag(op("Reshape", [sum, op("Shape", [x])]), r);
    },
    upsampleNearest2x(x) {
      // recorded channels-first for any reader but a convolution (which runs on the source)
      const y = base.upsampleNearest2x(toNchw(x));
      upsampled.set(y, x);
      return y;
    },
    spatialMean(x) {
      const r = rows.get(x);
      if (!r) return base.spatialMean(x);
      return op("Squeeze", [rowMeans(x, r, false).mean, i64([1])]);
    },
    spatialMax(x) {
      const r = rows.get(x);
      if (!r) return base.spatialMax(x);
      // over contiguous planes (ONNX Runtime reduces the middle axes of a channels-last tensor slowly)
      return op(
        "Flatten",
        [
          op("GlobalMaxPool", [
            op("Unsqueeze", [op("Transpose", [rowView(x, r.channels)], { perm: [0, 2, 1] }), i64([3])]),
          ]),
        ],
        { axis: 1 },
      );
    },
    scaleChannels(x, weight) {
      const r = rows.get(x);
      if (!r) return base.scaleChannels(x, weight);
      const y = tag(op("Mul", [x, op("Reshape", [weight, i64([-1])])]), r);
      scaled.set(y, { source: x, weight });
      return y;
    },
    concatChannels(xs) {
      const layouts = xs.map((x) => rows.get(x));
      const r = layouts[0];
      if (!r || !layouts.every((l) => l && l.windows === r.windows && l.grid === r.grid))
        return base.concatChannels(xs.map(toNchw));
      const channels = layouts.reduce((n, l) => n + l!.channels, 0);
      const y = tag(op("Concat", xs, { axis: -1 }), { ...r, channels });
      const parts = xs.map((x) => scaled.get(x));
      if (parts.every((p) => p && p.source === parts[0]!.source))
        concatenated.set(y, { source: parts[0]!.source, weights: parts.map((p) => p!.weight) });
      return y;
    },
    sumChannels(x) {
      if (!rows.has(x)) return base.sumChannels(x);
      return toNchw(tag(op("ReduceSum", [x, i64([-1])], { keepdims: 1 }), { ...rowsOf(x), channels: 1 }));
    },
    flattenChw: (x) => base.flattenChw(toNchw(x)),
    flattenHwc(x) {
      const r = rows.get(x);
      if (!r || r.windows) return base.flattenHwc(toNchw(x));
      return op("Flatten", [x], { axis: 1 });
    },
  };
  return {
    ops,
    outputTaps() {
      for (const [value, name] of taps)
        g.output(value, name, DataType.FLOAT, name.endsWith(":count") ? [1] : ["k", "k"]);
    },
  };
}

/**
 * An up-sampling convolution's filter for its 2×2 windows: rows (a, b, out) (the window's pixel, then
 * the output channel), columns (u, v, c) (the window's tap, then the input channel), from the 3×3 filter
 * [out, in, 3, 3].
 */
function windowFilter(data: Float32Array, [out, inputs]: number[]): Float32Array {
  const k = 4 * inputs!;
  const result = new Float32Array(4 * out! * k);
  for (let a = 0; a < 2; a++)
    for (let b = 0; b < 2; b++)
      for (let o = 0; o < out!; o++)
        for (let u = 0; u < 2; u++)
          for (let v = 0; v < 2; v++)
            for (let c = 0; c < inputs!; c++) {
              let sum = 0;
              for (const dy of WINDOW_TAPS[a]![u]!)
                for (const dx of WINDOW_TAPS[b]![v]!) sum += data[((o * inputs! + c) * 3 + dy) * 3 + dx]!;
              result[((a * 2 + b) * out! + o) * k + (u * 2 + v) * inputs! + c] = sum;
            }
  return result;
}

function bytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
