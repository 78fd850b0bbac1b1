/**
 * @module A fast gradient for average pools that cover the whole image (the norms' spatial moments):
 * dy spread evenly, instead of the general AvgPoolGrad kernel, which is slow on WASM at that window.
 */
import * as tf from "@tensorflow/tfjs-core";

/** Wraps the registered AvgPool gradient (call after TF.js's gradients are registered). */
export function registerGlobalPoolGradient(): void {
  const general = tf.getGradient(tf.AvgPool);
  if (!general) throw new Error("TF.js's AvgPool gradient must be registered first");
  tf.registerGradient({
    kernelName: tf.AvgPool,
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0] as tf.Tensor4D;
      const { filterSize, pad } = attrs as unknown as tf.AvgPoolAttrs;
      const [, h, w] = x.shape;
      const [fh, fw] = typeof filterSize === "number" ? [filterSize, filterSize] : filterSize;
      if (fh === h && fw === w && pad === "valid") {
        return { x: () => tf.mul(tf.onesLike(x), tf.mul(dy as tf.Tensor, 1 / (h * w))) };
      }
      return general.gradFunc(dy, saved, attrs as unknown as tf.NamedAttrMap);
    },
  });
}
