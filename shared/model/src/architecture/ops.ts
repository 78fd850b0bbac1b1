/**
 * The operations the networks are written in. One implementation computes with TF.js tensors (NHWC);
 * another records an ONNX graph (NCHW, `../onnx`). The model code names what it computes
 * ("mean over the image", "concatenate channels"), never a layout, so one definition serves both.
 */
export interface TensorOps<T> {
  /** Runs one stage of a forward; TF.js frees the stage's intermediates as soon as it returns. */
  stage<R>(work: () => R): R;
  /** Reflection padding, then a valid convolution; bias and activation fused when given. */
  conv(x: T, filter: T, options?: ConvOptions<T>): T;
  /** Instance norm (biased variance), scaled and shifted per channel ([C] each) when affine is given. */
  instanceNorm(x: T, affine?: Affine<T>): T;
  /** ILN: the IN/LN mix with learned per-channel rho, gamma, beta. */
  layerInstanceNorm(x: T, rho: T, gamma: T, beta: T, variance: Variance): T;
  /** adaILN: the IN/LN mix with per-image gamma, beta ([B, C]). */
  adaILN(x: T, rho: T, gamma: T, beta: T, variance: Variance): T;
  /** The official TF code's AdaLIN smoothing: clip(rho − 0.1, 0, 1). */
  smoothRho(rho: T): T;
  /** A `Linear` with its weight [out, in], and its bias [out] when given: [B, in] → [B, out]. */
  linear(x: T, weight: T, bias?: T): T;
  relu(x: T): T;
  tanh(x: T): T;
  /** Elementwise sum, broadcasting as NumPy does. */
  add(a: T, b: T): T;
  /** `nn.Upsample(scale_factor=2, mode='nearest')`. */
  upsampleNearest2x(x: T): T;
  /** Global average pool: [B, C]. */
  spatialMean(x: T): T;
  /** Global max pool: [B, C]. */
  spatialMax(x: T): T;
  /** Each channel c multiplied by weight[0, c] (a Linear(C → 1) weight, [1, C]). */
  scaleChannels(x: T, weight: T): T;
  concatChannels(xs: T[]): T;
  /** Concatenation of [B, n] features. */
  concatFeatures(xs: T[]): T;
  /** Sum over channels, kept as one channel. */
  sumChannels(x: T): T;
  /** [B, C·H·W] in PyTorch's C, H, W order, so a Linear's weight is used as saved. */
  flattenChw(x: T): T;
  /** [B, H·W·C] in TensorFlow's H, W, C order (`tf.layers.flatten` of NHWC). */
  flattenHwc(x: T): T;
}

/** The variance the IN/LN mixes divide by: PyTorch's code uses torch.var's N − 1, TensorFlow's tf.nn.moments' N. */
export type Variance = "unbiased" | "biased";

export interface Affine<T> {
  gamma: T;
  beta: T;
}

export interface ConvOptions<T> {
  /**
   * Reflection padding applied before a `padding=0` convolution, as every U-GAT-IT conv does: the same
   * on every side, or [top and left, bottom and right] (TensorFlow's stride-2 convs pad 1 before, 0 after).
   */
  pad?: number | Padding;
  stride?: number;
  bias?: T | undefined;
  activation?: "linear" | "relu" | "leakyrelu";
}

export type Padding = readonly [before: number, after: number];

/** A parameter by its PyTorch name, in the layout the ops use. */
export type ParamLookup<T> = (name: string) => T;
