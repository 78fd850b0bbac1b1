import * as tf from "@tensorflow/tfjs-core";

const EPS = 1e-5;

/** `x - mean` over `axes`, divided by sqrt(var + eps); `unbiased` divides the variance by N - 1 like torch.var. */
function standardize(x: tf.Tensor4D, axes: number[], unbiased: boolean): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, axes, true);
  const n = axes.reduce((count, axis) => count * (x.shape[axis] as number), 1);
  const v = unbiased ? tf.mul(variance, n / (n - 1)) : variance;
  return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(v, EPS)));
}

/** InstanceNorm2d without affine parameters: per image and channel, biased variance. */
export function instanceNorm(x: tf.Tensor4D): tf.Tensor4D {
  return standardize(x, [1, 2], false);
}

/** rho · IN(x) + (1 − rho) · LN(x), both with torch.var's unbiased variance. rho: [C]. */
function mixInstanceLayer(x: tf.Tensor4D, rho: tf.Tensor1D): tf.Tensor4D {
  const outIn = standardize(x, [1, 2], true);
  const outLn = standardize(x, [1, 2, 3], true);
  return tf.add(tf.mul(rho, outIn), tf.mul(tf.sub(1, rho), outLn));
}

/** ILN: the IN/LN mix with learned per-channel rho, gamma and beta (each [C]). */
export function layerInstanceNorm(
  x: tf.Tensor4D,
  rho: tf.Tensor1D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
): tf.Tensor4D {
  return tf.add(tf.mul(mixInstanceLayer(x, rho), gamma), beta);
}

/** adaILN: the IN/LN mix scaled and shifted by per-image gamma and beta ([B, C]) from the MLP. */
export function adaILN(x: tf.Tensor4D, rho: tf.Tensor1D, gamma: tf.Tensor2D, beta: tf.Tensor2D): tf.Tensor4D {
  const [b, , , c] = x.shape;
  const perImage = (t: tf.Tensor2D) => tf.reshape(t, [b, 1, 1, c]);
  return tf.add(tf.mul(mixInstanceLayer(x, rho), perImage(gamma)), perImage(beta));
}
