import * as tf from "@tensorflow/tfjs-core";

/** `nn.MSELoss()` against a constant target (LSGAN: 1 for real, 0 for fake). */
export function mseTo(x: tf.Tensor, target: 0 | 1): tf.Scalar {
  return tf.mean(tf.square(target === 0 ? x : tf.sub(x, target)));
}

/** `nn.L1Loss()`. */
export function l1(x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.mean(tf.abs(tf.sub(x, y)));
}

/** `nn.BCEWithLogitsLoss()` against a constant target: mean softplus(−x) for 1, softplus(x) for 0. */
export function bceWithLogitsTo(x: tf.Tensor, target: 0 | 1): tf.Scalar {
  return tf.mean(tf.softplus(target === 1 ? tf.neg(x) : x));
}
