import * as tf from "@tensorflow/tfjs-core";
import type { ConvOptions as OpsConvOptions } from "../ops.ts";
import { reflectionPad } from "./reflection-pad.ts";

export type ConvOptions = OpsConvOptions<tf.Tensor1D>;

/** Reflection pad, then a valid convolution with an HWIO filter; bias and activation fused when given. */
export function conv(x: tf.Tensor4D, filter: tf.Tensor4D, options: ConvOptions = {}): tf.Tensor4D {
  const { pad = 0, stride = 1, bias, activation = "linear" } = options;
  const padded = pad === 0 ? x : reflectionPad(x, pad);
  return tf.fused.conv2d({
    x: padded,
    filter,
    strides: stride,
    pad: "valid",
    ...(bias ? { bias } : {}),
    activation,
    leakyreluAlpha: 0.2,
  });
}
