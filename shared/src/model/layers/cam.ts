import * as tf from "@tensorflow/tfjs-core";
import { conv } from "./conv.ts";
import { linear } from "./linear.ts";

export interface CamWeights {
  /** Weight producing the GAP logit ([1, C]); under spectral norm, the normalised weight. */
  gapLogit: tf.Tensor2D;
  gmpLogit: tf.Tensor2D;
  /** Weight re-weighting the channels ([1, C]); under spectral norm, `weight_orig` (the official code's trap). */
  gapChannels: tf.Tensor2D;
  gmpChannels: tf.Tensor2D;
  conv1x1: tf.Tensor4D;
  conv1x1Bias: tf.Tensor1D;
  activation: "relu" | "leakyrelu";
}

export type CamOutput = {
  x: tf.Tensor4D; // [B, H, W, C]
  camLogit: tf.Tensor2D; // [B, 2]
  heatmap: tf.Tensor4D; // [B, H, W, 1]
};

/** Class activation map attention: auxiliary GAP/GMP classifier, channel re-weighting, 1×1 fusion. */
export function classActivationMap(x: tf.Tensor4D, w: CamWeights): CamOutput {
  const gapLogit = linear(tf.mean(x, [1, 2]), w.gapLogit); // [B, 1]
  const gmpLogit = linear(tf.max(x, [1, 2]), w.gmpLogit); // [B, 1]
  const gap: tf.Tensor4D = tf.mul(x, tf.reshape(w.gapChannels, [1, 1, 1, -1]));
  const gmp: tf.Tensor4D = tf.mul(x, tf.reshape(w.gmpChannels, [1, 1, 1, -1]));
  const fused = conv(tf.concat<tf.Tensor4D>([gap, gmp], 3), w.conv1x1, {
    bias: w.conv1x1Bias,
    activation: w.activation,
  });
  return {
    x: fused,
    camLogit: tf.concat([gapLogit, gmpLogit], 1),
    heatmap: tf.sum(fused, 3, true),
  };
}
