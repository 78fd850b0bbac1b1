import * as tf from "@tensorflow/tfjs-core";

/** `nn.Upsample(scale_factor=2, mode='nearest')`: source pixel floor(dst / 2). */
export function upsampleNearest2x(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = x.shape;
  return tf.image.resizeNearestNeighbor(x, [h * 2, w * 2], false, false);
}
