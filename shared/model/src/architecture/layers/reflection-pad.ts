import * as tf from "@tensorflow/tfjs-core";

/** PyTorch's `ReflectionPad2d(p)` on an NHWC batch: the border row/column is not repeated. */
export function reflectionPad(x: tf.Tensor4D, p: number): tf.Tensor4D {
  return tf.mirrorPad(
    x,
    [
      [0, 0],
      [p, p],
      [p, p],
      [0, 0],
    ],
    "reflect",
  );
}
