import * as tf from "@tensorflow/tfjs-core";
import type { Padding } from "../ops.ts";

/**
 * PyTorch's `ReflectionPad2d(p)` on an NHWC batch (the border row/column is not repeated); a
 * [before, after] pair pads top and left by `before`, bottom and right by `after`, as TF's convs do.
 */
export function reflectionPad(x: tf.Tensor4D, p: number | Padding): tf.Tensor4D {
  const [before, after] = typeof p === "number" ? [p, p] : p;
  return tf.mirrorPad(
    x,
    [
      [0, 0],
      [before, after],
      [before, after],
      [0, 0],
    ],
    "reflect",
  );
}
