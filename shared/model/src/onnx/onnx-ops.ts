import type { ConvOptions, TensorOps, Variance } from "../architecture/ops.ts";
import type { OnnxGraph, Value } from "./graph-builder.ts";
import { DataType } from "./onnx-proto.ts";

const EPS = 1e-5;
/** Below this many output channels a same-size convolution is computed by phases (see phaseConv). */
const FEW_CHANNELS = 4;
/** Output phases (row, column offset) of a 2× grid, in DepthToSpace's CRD order. */
const PHASES = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
] as const;
/**
 * The 3 taps w0, w1, w2 of a dimension summed into the 2 of an output phase of upsampledConv, as 2×3
 * matrices: odd outputs w0 + w1, w2; even outputs w0, w1 + w2.
 */
const PHASE_TAPS = [
  [1, 1, 0, 0, 0, 1],
  [1, 0, 0, 0, 1, 1],
] as const;
const transposed2x3 = (m: readonly number[]) => [m[0]!, m[3]!, m[1]!, m[4]!, m[2]!, m[5]!];

export interface OnnxOpsOptions {
  /**
   * Convolutions in float16 (activations, filters, accumulation where the provider does so), the rest
   * (normalisation statistics, whose sums overflow float16, the CAM, the MLP) in float32.
   */
  halfConvolutions?: boolean;
}

/**
 * {@link TensorOps} that record ONNX nodes, NCHW, parameters in PyTorch's layouts (conv OIHW, Linear
 * [out, in], per-channel [1, C, 1, 1]). Shapes stay symbolic: batch, height and width may vary at run time.
 */
export function onnxOps(g: OnnxGraph, options: OnnxOpsOptions = {}): TensorOps<Value> {
  const op = g.op.bind(g);
  /** A Conv node, computed in float16 between two Casts when asked (the filter's Cast folds at load). */
  const convNode = (inputs: Value[], attributes?: Parameters<typeof op>[2]) => {
    if (!options.halfConvolutions) return op("Conv", inputs, attributes);
    const half = inputs.map((v) => op("Cast", [v], { to: DataType.FLOAT16 }));
    return op("Cast", [op("Conv", half, attributes)], { to: DataType.FLOAT });
  };
  // The channel count of conv outputs, which InstanceNormalization needs for its scale and bias.
  const channels = new Map<Value, number>();
  // The input of each nearest 2× upsampling, by its output: a convolution of the output runs on the input.
  const upsampled = new Map<Value, Value>();
  const spatial = [2, 3];

  /** The element count of x from axis `start` on, as a float scalar (batch, height and width are dynamic). */
  const count = (x: Value, start: number) =>
    op("Cast", [op("ReduceProd", [op("Shape", [x], { start })], { keepdims: 0 })], { to: DataType.FLOAT });
  /** 1 / sqrt(var + eps) from the sum of squared deviations of n: torch.var divides by n − 1, tf.nn.moments by n. */
  const inverseStd = (squares: Value, n: Value, variance: Variance) => {
    const divisor = variance === "unbiased" ? op("Sub", [n, g.floats([1], [])]) : n;
    return op("Reciprocal", [op("Sqrt", [op("Add", [op("Div", [squares, divisor]), g.floats([EPS], [])])])]);
  };

  /**
   * rho · IN(x) + (1 − rho) · LN(x) with the given variances, scaled by gamma and shifted by beta, as one
   * x · scale + shift. The layer statistics follow from the per-channel ones (the channels are groups of
   * equal size), so the full-size tensor takes two reductions, a subtraction and the final multiply-add.
   */
  const mixedNorm = (x: Value, rho: Value, gamma: Value, beta: Value, variance: Variance) => {
    const n = count(x, 2); // H·W
    // Reduced over a [B, C, H·W] view: ONNX Runtime's layout passes cannot carry a Transpose through the
    // Reshape, so the reductions stay over contiguous rows (ONNX Runtime reduces strided axes slowly).
    const rows = op("Reshape", [x, g.int64s([0, 0, -1])]);
    const rowMean = op("ReduceMean", [rows], { axes: [2], keepdims: 1 }); // [B, C, 1]
    const toNchw = (t: Value) => op("Unsqueeze", [t, g.int64s([3])]);
    const inMean = toNchw(rowMean); // [B, C, 1, 1]
    const inSquares = toNchw(op("ReduceSumSquare", [op("Sub", [rows, rowMean])], { axes: [2], keepdims: 1 }));
    const lnMean = op("ReduceMean", [inMean], { axes: [1, 2, 3], keepdims: 1 }); // [B, 1, 1, 1]
    // Σ over C, H, W of (x − M)² = Σ over C of [Σ over H, W of (x − m_c)² + n · (m_c − M)²]
    const spread = op("Sub", [inMean, lnMean]);
    const lnSquares = op("ReduceSum", [
      op("Add", [inSquares, op("Mul", [op("Mul", [spread, spread]), n])]),
      g.int64s([1, 2, 3]),
    ]);
    const inWeight = op("Mul", [rho, inverseStd(inSquares, n, variance)]); // rho / σ_IN
    const lnStd = inverseStd(lnSquares, count(x, 1), variance);
    const lnWeight = op("Mul", [op("Sub", [g.floats([1], []), rho]), lnStd]); // (1 − rho) / σ_LN
    const scale = op("Mul", [op("Add", [inWeight, lnWeight]), gamma]);
    const centre = op("Add", [op("Mul", [inMean, inWeight]), op("Mul", [lnMean, lnWeight])]);
    const shift = op("Sub", [beta, op("Mul", [centre, gamma])]);
    return op("Add", [op("Mul", [x, scale]), shift]);
  };
  /**
   * A same-size convolution (k odd, pad (k − 1) / 2, even sides: the generator's are multiples of 4)
   * computed as its four output phases at half resolution: one stride-2 convolution whose (k + 1)²
   * filters are the original shifted by each phase, then DepthToSpace. ONNX Runtime's CPU kernels
   * compute 16 output channels at a time, so the 3-channel head would waste 13/16 of its work; this
   * way 12 of 16 count. The filter rewrite depends on constants only: it is folded at load.
   */
  const phaseConv = (padded: Value, filter: Value, [out, inputs, k]: number[], bias: Value | undefined) => {
    const shifted = PHASES.map(([a, b]) =>
      op("Unsqueeze", [op("Pad", [filter, g.int64s([0, 0, a, b, 0, 0, 1 - a, 1 - b])]), g.int64s([1])]),
    );
    const filters = op("Reshape", [
      op("Concat", shifted, { axis: 1 }), // [out, 4, in, k + 1, k + 1]: output channel c · 4 + phase
      g.int64s([4 * out!, inputs!, k! + 1, k! + 1]),
    ]);
    return phasesToSpace(convNode([padded, filters], { strides: [2, 2] }), bias);
  };
  /**
   * ReflPad 1 → Conv 3×3 on the nearest 2× upsampling of x, at x's resolution: per dimension, output
   * 2m reads x[m − 1], x[m], x[m] and output 2m + 1 reads x[m], x[m], x[m + 1] (indices clamped, which
   * is what reflecting the upsampled border amounts to), so each output phase is a 2×2 convolution of x
   * padded by edge values, its taps sums of the 3×3 taps. One convolution computes all four phases
   * (2.25× fewer multiply-adds than at full resolution), odd phases first, so that DepthToSpace
   * lays them out one pixel off: a slice of one pixel per side puts them in place.
   * The filter rewrite depends on constants only: it is folded at load.
   */
  const upsampledConv = (source: Value, filter: Value, [out, inputs]: number[], bias: Value | undefined) => {
    // per phase (a, b): rows of PHASE_TAPS[a] · filter · PHASE_TAPS[b]ᵀ → [out, 4, in, 2, 2]
    const rows = g.floats(
      PHASES.flatMap(([a]) => PHASE_TAPS[a]),
      [1, 4, 1, 2, 3],
    );
    const columns = g.floats(
      PHASES.flatMap(([, b]) => transposed2x3(PHASE_TAPS[b])),
      [1, 4, 1, 3, 2],
    );
    const taps = op("MatMul", [op("MatMul", [rows, op("Unsqueeze", [filter, g.int64s([1])])]), columns]);
    const filters = op("Reshape", [taps, g.int64s([4 * out!, inputs!, 2, 2])]); // channel c · 4 + phase
    const padded = op("Pad", [source, g.int64s([0, 0, 1, 1, 0, 0, 1, 1])], { mode: "edge" });
    const phases = phasesToSpace(convNode([padded, filters]), bias);
    return op("Slice", [phases, g.int64s([1, 1]), g.int64s([-1, -1]), g.int64s(spatial)]);
  };
  /** Channels c · 4 + phase (CRD) of a convolution's output as 2×2 blocks of pixels, then the bias. */
  const phasesToSpace = (phases: Value, bias: Value | undefined) => {
    const y = op("DepthToSpace", [phases], { blocksize: 2, mode: "CRD" });
    return bias ? op("Add", [y, op("Reshape", [bias, g.int64s([1, -1, 1, 1])])]) : y;
  };
  const perImage = (t: Value) => op("Unsqueeze", [t, g.int64s(spatial)]); // [B, C] → [B, C, 1, 1]

  return {
    stage: (work) => work(),
    conv(x, filter, options: ConvOptions<Value> = {}) {
      const { pad = 0, stride = 1, bias, activation = "linear" } = options;
      const [before, after] = typeof pad === "number" ? [pad, pad] : pad;
      const reflected = () =>
        before + after > 0
          ? op("Pad", [x, g.int64s([0, 0, before, before, 0, 0, after, after])], { mode: "reflect" })
          : x;
      const dims = g.dims.get(filter) ?? [];
      const [out, , k = 0] = dims;
      const source = upsampled.get(x);
      const isUpsampled =
        source !== undefined && out !== undefined && k === 3 && before === 1 && after === 1 && stride === 1;
      const convolved = isUpsampled
        ? upsampledConv(source, filter, dims, bias)
        : out !== undefined && out < FEW_CHANNELS && stride === 1 && before === after && 2 * before === k - 1
          ? phaseConv(reflected(), filter, dims, bias)
          : convNode(bias ? [reflected(), filter, bias] : [reflected(), filter], {
              strides: [stride, stride],
            });
      const y =
        activation === "relu"
          ? op("Relu", [convolved])
          : activation === "leakyrelu"
            ? op("LeakyRelu", [convolved], { alpha: { float: 0.2 } })
            : convolved;
      if (out !== undefined) channels.set(y, out);
      return y;
    },
    instanceNorm(x, affine) {
      const identity = () => {
        const c = channels.get(x);
        if (c === undefined)
          throw new Error("ONNX export: instanceNorm needs a conv output (its channel count)");
        return { gamma: g.floats(Array(c).fill(1)), beta: g.floats(Array(c).fill(0)) };
      };
      const { gamma, beta } = affine ?? identity();
      return op("InstanceNormalization", [x, gamma, beta], { epsilon: { float: EPS } });
    },
    layerInstanceNorm: (x, rho, gamma, beta, variance) => mixedNorm(x, rho, gamma, beta, variance),
    adaILN: (x, rho, gamma, beta, variance) => mixedNorm(x, rho, perImage(gamma), perImage(beta), variance),
    smoothRho: (rho) =>
      op("Clip", [op("Sub", [rho, g.floats([0.1], [])]), g.floats([0], []), g.floats([1], [])]),
    linear: (x, weight, bias) => op("Gemm", bias ? [x, weight, bias] : [x, weight], { transB: 1 }),
    relu: (x) => op("Relu", [x]),
    tanh: (x) => op("Tanh", [x]),
    add: (a, b) => op("Add", [a, b]),
    upsampleNearest2x(x) {
      const y = op("Resize", [x, "", g.floats([1, 1, 2, 2])], {
        mode: "nearest",
        coordinate_transformation_mode: "asymmetric",
        nearest_mode: "floor",
      });
      upsampled.set(y, x);
      return y;
    },
    spatialMean: (x) => op("ReduceMean", [x], { axes: spatial, keepdims: 0 }),
    spatialMax: (x) => op("ReduceMax", [x], { axes: spatial, keepdims: 0 }),
    scaleChannels: (x, weight) => op("Mul", [x, op("Reshape", [weight, g.int64s([1, -1, 1, 1])])]),
    concatChannels: (xs) => op("Concat", xs, { axis: 1 }),
    concatFeatures: (xs) => op("Concat", xs, { axis: 1 }),
    sumChannels: (x) => op("ReduceSum", [x, g.int64s([1])], { keepdims: 1 }),
    flattenChw: (x) => op("Flatten", [x], { axis: 1 }),
    flattenHwc: (x) => op("Flatten", [op("Transpose", [x], { perm: [0, 2, 3, 1] })], { axis: 1 }),
  };
}
