/**
 * @module Convolution gradients for TF.js's WASM backend, built from its XNNPACK `Conv2D`: the filter
 * gradient it lacks (`Conv2DBackpropFilter`: a convolution dilated by the stride) and a replacement for
 * its input gradient (`Conv2DBackpropInput`, a plain loop about ten times slower: a convolution of the
 * zero-upsampled output gradient with the flipped filter).
 */

import type {
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropInputAttrs,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from "@tensorflow/tfjs-core";
import * as tf from "@tensorflow/tfjs-core";

interface DisposingBackend {
  disposeData(dataId: object): void;
}

/** Runs another kernel of the same backend directly, as backend kernels compose. */
function callKernel(name: string, inputs: Record<string, TensorInfo>, backend: unknown, attrs: object) {
  const kernel = tf.getKernel(name, "wasm");
  if (!kernel) throw new Error(`the wasm backend has no ${name} kernel`);
  return kernel.kernelFunc({ inputs, backend: backend as never, attrs: attrs as NamedAttrMap }) as TensorInfo;
}

/** A chain of kernels whose intermediate outputs are freed when it ends; `last` is kept. */
function kernelChain<T>(backend: unknown, body: (run: typeof callKernel, last: typeof callKernel) => T): T {
  const temporaries: TensorInfo[] = [];
  const run = (name: string, ins: Record<string, TensorInfo>, _: unknown, a: object) => {
    const out = callKernel(name, ins, backend, a);
    temporaries.push(out);
    return out;
  };
  try {
    return body(run, (name, ins, _, a) => callKernel(name, ins, backend, a));
  } finally {
    for (const t of temporaries) (backend as DisposingBackend).disposeData(t.dataId);
  }
}

/**
 * dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·s + kh − pad, ow·s + kw − pad, ci] · dy[b, oh, ow, co]:
 * a convolution of x (channels as the batch, batch as the channels) with dy as the filter, dilated
 * by the stride, at the forward's padding; its first kh × kw outputs are the gradient.
 */
const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as Conv2DBackpropFilterAttrs;
  if (dataFormat === "NCHW") throw new Error("wasm Conv2DBackpropFilter supports NHWC only");
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { top, bottom, left, right } = info.padInfo;
  const [kh, kw, ci, co] = filterShape;
  return kernelChain(backend, (run, last) => {
    const xT = run("Transpose", { x }, backend, { perm: [3, 1, 2, 0] }); // [Ci, H, W, B]
    const dyT = run("Transpose", { x: dy }, backend, { perm: [1, 2, 0, 3] }); // [OH, OW, B, Co]
    const full = run("Conv2D", { x: xT, filter: dyT }, backend, {
      strides: 1,
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dilations: [info.strideHeight, info.strideWidth],
      dataFormat: "NHWC",
    }); // [Ci, ≥KH, ≥KW, Co]
    const cropped = run("Slice", { x: full }, backend, { begin: [0, 0, 0, 0], size: [ci, kh, kw, co] });
    return last("Transpose", { x: cropped }, backend, { perm: [1, 2, 0, 3] }); // [KH, KW, Ci, Co]
  });
};

/**
 * dx[i] = Σ_k dy[(i + pad − k) / s] · w[k] over the k where that index is whole: dy with s − 1 zeros
 * between its elements, padded by (k − 1 − pad) before, correlated with the filter flipped in space
 * and transposed in channels.
 */
const conv2DBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
    attrs as unknown as Conv2DBackpropInputAttrs;
  if (dataFormat === "NCHW") throw new Error("wasm Conv2DBackpropInput supports NHWC only");
  const filterShape = filter.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, strides, 1, pad, dimRoundingMode);
  const [b, oh, ow, co] = dy.shape as [number, number, number, number];
  const [, h, w] = inputShape;
  const [kh, kw] = filterShape;
  const { strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  return kernelChain(backend, (run, last) => {
    let up = dy;
    if (sh > 1 || sw > 1) {
      const spread = run("Reshape", { x: dy }, backend, { shape: [b, oh, 1, ow, 1, co] });
      const zeros = run("PadV2", { x: spread }, backend, {
        paddings: [
          [0, 0],
          [0, 0],
          [0, sh - 1],
          [0, 0],
          [0, sw - 1],
          [0, 0],
        ],
        constantValue: 0,
      });
      const merged = run("Reshape", { x: zeros }, backend, { shape: [b, oh * sh, ow * sw, co] });
      up = run("Slice", { x: merged }, backend, {
        begin: [0, 0, 0, 0],
        size: [b, (oh - 1) * sh + 1, (ow - 1) * sw + 1, co],
      });
    }
    const flipped = run("Reverse", { x: filter }, backend, { dims: [0, 1] });
    const swapped = run("Transpose", { x: flipped }, backend, { perm: [0, 1, 3, 2] }); // [KH, KW, Co, Ci]
    return last("Conv2D", { x: up, filter: swapped }, backend, {
      strides: 1,
      pad: [
        [0, 0],
        [kh - 1 - top, h + top - 1 - (oh - 1) * sh],
        [kw - 1 - left, w + left - 1 - (ow - 1) * sw],
        [0, 0],
      ],
      dilations: 1,
      dataFormat: "NHWC",
    });
  });
};

let registered = false;

/** Registers both wasm convolution gradients (once per process). */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  if (!tf.getKernel(tf.Conv2DBackpropFilter, "wasm")) {
    tf.registerKernel({
      kernelName: tf.Conv2DBackpropFilter,
      backendName: "wasm",
      kernelFunc: conv2DBackpropFilter,
    });
  }
  if (tf.getKernel(tf.Conv2DBackpropInput, "wasm")) tf.unregisterKernel(tf.Conv2DBackpropInput, "wasm");
  tf.registerKernel({
    kernelName: tf.Conv2DBackpropInput,
    backendName: "wasm",
    kernelFunc: conv2DBackpropInput,
  });
}
