import * as tf from "@tensorflow/tfjs-core";

/** PyTorch's bias-free `Linear`: x [B, in] · Wᵀ with W kept in its [out, in] layout. */
export function linear(x: tf.Tensor2D, weight: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(x, weight, false, true);
}
