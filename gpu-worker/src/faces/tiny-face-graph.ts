/**
 * @module face-api's tiny face detector (a Tiny-YOLOv2 with depthwise-separable convolutions) as an ONNX
 * graph, recorded from its shipped weights with the project's graph builder: ONNX Runtime runs it, no
 * second TF.js copy is needed.
 */
import { DataType, OnnxGraph, type Value } from "@ugatit/model/onnx";
import type { Weight } from "./tiny-face-weights.ts";

/** The graph's input: NCHW float32, (RGB − mean) / 255, height and width multiples of 32 (any aspect: it is fully convolutional). */
export const TINY_FACE_INPUT = "image";
/** The graph's output: [1, 25, height/32, width/32], 5 anchors × (tx, ty, tw, th, score). */
export const TINY_FACE_OUTPUT = "boxes";

/** The per-channel mean face-api subtracts before dividing by 255. */
export const TINY_FACE_MEAN_RGB = [117.001, 114.697, 97.404] as const;

/** HWIO (TF.js) → OIHW (ONNX). */
function toOihw({ shape, values }: Weight): { dims: number[]; data: Float32Array } {
  const [h, w, i, o] = shape as [number, number, number, number];
  const data = new Float32Array(values.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < i; c++)
        for (let k = 0; k < o; k++)
          data[((k * i + c) * h + y) * w + x] = values[((y * w + x) * i + c) * o + k]!;
  return { dims: [o, i, h, w], data };
}

/** A depthwise [h, w, C, 1] filter → grouped-convolution weight [C, 1, h, w]. */
function depthwiseToOihw({ shape, values }: Weight): { dims: number[]; data: Float32Array } {
  const [h, w, c] = shape as [number, number, number];
  return toOihw({ shape: [h, w, 1, c], values });
}

/**
 * Records the network: conv0 3×3 valid + leaky, then five (max-pool 2 / depthwise-separable conv + leaky)
 * stages, a stride-1 pool and the 1×1 head. Pools pad as TF's `same` does (after, SAME_UPPER).
 *
 * @example
 * const onnx = tinyFaceDetectorOnnx(await readTinyFaceWeights());
 */
export function tinyFaceDetectorOnnx(weights: Map<string, Weight>): Uint8Array<ArrayBuffer> {
  const g = new OnnxGraph("tiny_face_detector");
  const param = (name: string, tensor: { dims: number[]; data: Float32Array }): Value =>
    g.initializer(name, DataType.FLOAT, tensor.dims, new Uint8Array(tensor.data.buffer));
  const weight = (name: string): Weight => {
    const w = weights.get(name);
    if (!w) throw new Error(`face detector weights: ${name} is missing`);
    return w;
  };
  const bias = (layer: string) => {
    const w = weight(`${layer}/bias`);
    return param(`${layer}/bias`, { dims: w.shape, data: w.values });
  };
  const leaky = (x: Value) => g.op("LeakyRelu", [x], { alpha: { float: 0.1 } });
  const pool = (x: Value, stride: number) =>
    g.op("MaxPool", [x], { kernel_shape: [2, 2], strides: [stride, stride], auto_pad: "SAME_UPPER" });
  const separable = (x: Value, layer: string) => {
    const depthwise = weight(`${layer}/depthwise_filter`);
    const channels = depthwise.shape[2]!;
    const dw = g.op("Conv", [x, param(`${layer}/depthwise`, depthwiseToOihw(depthwise))], {
      group: channels,
      pads: [1, 1, 1, 1],
    });
    const pw = param(`${layer}/pointwise`, toOihw(weight(`${layer}/pointwise_filter`)));
    return leaky(g.op("Conv", [dw, pw, bias(layer)]));
  };

  let x = g.input(TINY_FACE_INPUT, DataType.FLOAT, [1, 3, "height", "width"]);
  x = leaky(g.op("Conv", [x, param("conv0/filters", toOihw(weight("conv0/filters"))), bias("conv0")]));
  for (const layer of ["conv1", "conv2", "conv3", "conv4", "conv5"]) x = separable(pool(x, 2), layer);
  x = pool(x, 1);
  const head = g.op("Conv", [x, param("conv8/filters", toOihw(weight("conv8/filters"))), bias("conv8")]);
  g.output(head, TINY_FACE_OUTPUT, DataType.FLOAT, [1, 25, "rows", "columns"]);
  return g.toModel({
    producerName: "ugatit-service",
    producerVersion: "0.1.0",
    metadata: { source: "@vladmandic/face-api tiny_face_detector_model (MIT)" },
  });
}
