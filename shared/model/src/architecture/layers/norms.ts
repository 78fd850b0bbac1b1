import * as tf from "@tensorflow/tfjs-core";
import type { Affine, Variance } from "../ops.ts";

const EPS = 1e-5;

/**
 * Per image and channel mean and (biased) variance over H, W, as global average pools: on NHWC a
 * reduction op has to transpose first, a pool does not (several times faster on WASM).
 */
function spatialMoments(x: tf.Tensor4D): { mean: tf.Tensor4D; variance: tf.Tensor4D } {
  const [, h, w] = x.shape;
  const mean = tf.avgPool(x, [h, w], [h, w], "valid") as tf.Tensor4D;
  const variance = tf.avgPool(
    tf.square(tf.sub(x, mean) as tf.Tensor4D),
    [h, w],
    [h, w],
    "valid",
  ) as tf.Tensor4D;
  return { mean, variance };
}

/** Over H, W ("instance") or H, W, C ("layer"): `x − mean` divided by sqrt(var + eps). */
function standardize(x: tf.Tensor4D, over: "instance" | "layer", variance: Variance): tf.Tensor4D {
  const moments = over === "instance" ? spatialMoments(x) : tf.moments(x, [1, 2, 3], true);
  const { mean } = moments;
  const [, h, w, c] = x.shape;
  const n = over === "instance" ? h * w : h * w * c;
  // torch.var divides by N − 1
  const v = variance === "unbiased" ? tf.mul(moments.variance, n / (n - 1)) : moments.variance;
  return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(v, EPS)));
}

/**
 * Instance norm: per image and channel, biased variance; InstanceNorm2d without affine parameters, or
 * TF's `instance_norm` scaling and shifting each channel by gamma and beta ([C] each).
 */
export function instanceNorm(x: tf.Tensor4D, affine?: Affine<tf.Tensor1D>): tf.Tensor4D {
  const y = standardize(x, "instance", "biased");
  return affine ? tf.add(tf.mul(y, affine.gamma), affine.beta) : y;
}

/** rho · IN(x) + (1 − rho) · LN(x), both with the given variance. rho: [C]. */
function mixInstanceLayer(x: tf.Tensor4D, rho: tf.Tensor1D, variance: Variance): tf.Tensor4D {
  const outIn = standardize(x, "instance", variance);
  const outLn = standardize(x, "layer", variance);
  return tf.add(tf.mul(rho, outIn), tf.mul(tf.sub(1, rho), outLn));
}

/** ILN: the IN/LN mix with learned per-channel rho, gamma and beta (each [C]); PyTorch's variance by default. */
export function layerInstanceNorm(
  x: tf.Tensor4D,
  rho: tf.Tensor1D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  variance: Variance = "unbiased",
): tf.Tensor4D {
  return tf.add(tf.mul(mixInstanceLayer(x, rho, variance), gamma), beta);
}

/** adaILN: the IN/LN mix scaled and shifted by per-image gamma and beta ([B, C]) from the MLP. */
export function adaILN(
  x: tf.Tensor4D,
  rho: tf.Tensor1D,
  gamma: tf.Tensor2D,
  beta: tf.Tensor2D,
  variance: Variance = "unbiased",
): tf.Tensor4D {
  const [b, , , c] = x.shape;
  const perImage = (t: tf.Tensor2D) => tf.reshape(t, [b, 1, 1, c]);
  return tf.add(tf.mul(mixInstanceLayer(x, rho, variance), perImage(gamma)), perImage(beta));
}
