import * as tf from "@tensorflow/tfjs-core";

/** A `Linear`: x [B, in] · Wᵀ with W kept in its [out, in] layout, plus the bias [out] when given. */
export function linear(x: tf.Tensor2D, weight: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: weight, transposeB: true, ...(bias ? { bias } : {}) }) as tf.Tensor2D;
}
