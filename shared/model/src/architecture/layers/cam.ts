import type * as tf from "@tensorflow/tfjs-core";
import type { TensorOps } from "../ops.ts";

export interface CamWeights<T = tf.Tensor> {
  /** Weight producing the GAP logit ([1, C]); under spectral norm, the normalised weight. */
  gapLogit: T;
  gmpLogit: T;
  /** The logits' biases ([1]): the TF code's CAM layers have one, PyTorch's none. */
  gapLogitBias?: T | undefined;
  gmpLogitBias?: T | undefined;
  /** Weight re-weighting the channels ([1, C]); under spectral norm, `weight_orig` (the official code's trap). */
  gapChannels: T;
  gmpChannels: T;
  conv1x1: T;
  conv1x1Bias: T;
  activation: "relu" | "leakyrelu";
}

export type CamOutput<T = tf.Tensor> = {
  x: T; // the fused features, shaped as the input
  camLogit: T; // [B, 2]
  heatmap: T; // their channel sum, one channel
};

/** Class activation map attention: auxiliary GAP/GMP classifier, channel re-weighting, 1×1 fusion. */
export function classActivationMap<T>(ops: TensorOps<T>, x: T, w: CamWeights<T>): CamOutput<T> {
  const gapLogit = ops.linear(ops.spatialMean(x), w.gapLogit, w.gapLogitBias); // [B, 1]
  const gmpLogit = ops.linear(ops.spatialMax(x), w.gmpLogit, w.gmpLogitBias); // [B, 1]
  const gap = ops.scaleChannels(x, w.gapChannels);
  const gmp = ops.scaleChannels(x, w.gmpChannels);
  const fused = ops.conv(ops.concatChannels([gap, gmp]), w.conv1x1, {
    bias: w.conv1x1Bias,
    activation: w.activation,
  });
  return {
    x: fused,
    camLogit: ops.concatFeatures([gapLogit, gmpLogit]),
    heatmap: ops.sumChannels(fused),
  };
}
