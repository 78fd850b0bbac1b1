import * as tf from "@tensorflow/tfjs-core";
import { conv } from "./layers/conv.ts";
import { linear } from "./layers/linear.ts";
import { adaILN, instanceNorm, layerInstanceNorm } from "./layers/norms.ts";
import { upsampleNearest2x } from "./layers/upsample.ts";
import type { TensorOps } from "./ops.ts";

type T4 = tf.Tensor4D;
type T2 = tf.Tensor2D;
type T1 = tf.Tensor1D;

/** {@link TensorOps} on TF.js tensors, NHWC: the layers of `./layers`, each stage in its own tidy. */
export const tfOps: TensorOps<tf.Tensor> = {
  stage: <R>(work: () => R) => tf.tidy(work as () => tf.TensorContainer) as R,
  conv: (x, filter, options = {}) =>
    conv(x as T4, filter as T4, { ...options, bias: options.bias as T1 | undefined }),
  instanceNorm: (x, affine) =>
    instanceNorm(x as T4, affine && { gamma: affine.gamma as T1, beta: affine.beta as T1 }),
  layerInstanceNorm: (x, rho, gamma, beta, variance) =>
    layerInstanceNorm(x as T4, rho as T1, gamma as T1, beta as T1, variance),
  adaILN: (x, rho, gamma, beta, variance) => adaILN(x as T4, rho as T1, gamma as T2, beta as T2, variance),
  smoothRho: (rho) => tf.clipByValue(tf.sub(rho, 0.1), 0, 1),
  linear: (x, weight, bias) => linear(x as T2, weight as T2, bias as T1 | undefined),
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
  add: (a, b) => tf.add(a, b),
  upsampleNearest2x: (x) => upsampleNearest2x(x as T4),
  spatialMean: (x) => tf.mean(x, [1, 2]),
  spatialMax: (x) => tf.max(x, [1, 2]),
  scaleChannels: (x, weight) => tf.mul(x, tf.reshape(weight, [1, 1, 1, -1])),
  concatChannels: (xs) => tf.concat(xs, 3),
  concatFeatures: (xs) => tf.concat(xs, 1),
  sumChannels: (x) => tf.sum(x, 3, true),
  flattenChw: (x) => tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [x.shape[0] as number, -1]),
  flattenHwc: (x) => tf.reshape(x, [x.shape[0] as number, -1]),
};
