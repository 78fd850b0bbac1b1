import * as tf from "@tensorflow/tfjs-core";

/**
 * A `Linear`: x [B, in] · Wᵀ with W kept in its [out, in] layout, plus the bias [out] when given.
 * The bias is a separate add: the WASM backend's fused matMul adds it wrongly once `in` reaches 256.
 */
export function linear(x: tf.Tensor2D, weight: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
  const y = tf.matMul(x, weight, false, true) as tf.Tensor2D;
  return bias ? tf.add<tf.Tensor2D>(y, bias) : y;
}
