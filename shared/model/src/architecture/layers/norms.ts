import * as tf from "@tensorflow/tfjs-core";

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
function standardize(x: tf.Tensor4D, over: "instance" | "layer", unbiased: boolean): tf.Tensor4D {
  const { mean, variance } = over === "instance" ? spatialMoments(x) : tf.moments(x, [1, 2, 3], true);
  const [, h, w, c] = x.shape;
  const n = over === "instance" ? h * w : h * w * c;
  // torch.var divides by N − 1
  const v = unbiased ? tf.mul(variance, n / (n - 1)) : variance;
  return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(v, EPS)));
}

/** InstanceNorm2d without affine parameters: per image and channel, biased variance. */
export function instanceNorm(x: tf.Tensor4D): tf.Tensor4D {
  return standardize(x, "instance", false);
}

/** rho · IN(x) + (1 − rho) · LN(x), both with torch.var's unbiased variance. rho: [C]. */
function mixInstanceLayer(x: tf.Tensor4D, rho: tf.Tensor1D): tf.Tensor4D {
  const outIn = standardize(x, "instance", true);
  const outLn = standardize(x, "layer", true);
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
