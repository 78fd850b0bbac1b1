import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { useBackend } from "../../../test/helpers/backends.ts";
import { prepareTraining } from "./tfjs-gradients.ts";

await prepareTraining();

interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: "valid" | "same" | number;
}

const CASES: ConvCase[] = [
  { x: [1, 9, 9, 3], filter: [7, 7, 3, 4], stride: 1, pad: "valid" },
  { x: [2, 10, 10, 4], filter: [3, 3, 4, 8], stride: 2, pad: "valid" },
  { x: [1, 11, 13, 4], filter: [3, 3, 4, 8], stride: 2, pad: "valid" }, // odd sizes: output floors
  { x: [1, 12, 12, 8], filter: [4, 4, 8, 16], stride: 2, pad: "valid" },
  { x: [2, 7, 9, 5], filter: [4, 4, 5, 3], stride: 1, pad: 1 },
  { x: [1, 15, 15, 3], filter: [3, 3, 3, 6], stride: 3, pad: "same" },
  { x: [1, 8, 8, 16], filter: [1, 1, 16, 8], stride: 1, pad: "valid" },
];

/** The filter gradient of Σ conv2d(x, f) · dy, and the input gradient alongside, on one backend. */
async function gradients(backend: string, c: ConvCase, x: Float32Array, f: Float32Array, dy: Float32Array) {
  await useBackend(backend);
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, c.x);
    const ft = tf.tensor4d(f, c.filter);
    const y = tf.conv2d(xt, ft, c.stride, c.pad);
    const dyt = tf.tensor(dy, y.shape);
    const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), dyt)),
    )([xt, ft]);
    return { dx: dx!.dataSync() as Float32Array, df: df!.dataSync() as Float32Array, dfShape: df!.shape };
  });
}

function maxRelativeError(a: Float32Array, b: Float32Array): number {
  const scale = Math.max(...b.map(Math.abs), 1e-12);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number)) / scale), 0);
}

const random = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + n) * 0.5);
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

describe("Conv2DBackpropFilter on wasm", () => {
  it.each(CASES)(
    "matches the CPU backend's gradient for $x * $filter, stride $stride, pad $pad",
    async (c) => {
      await useBackend("cpu");
      const outShape = tf.conv2d(
        tf.zeros(c.x) as tf.Tensor4D,
        tf.zeros(c.filter) as tf.Tensor4D,
        c.stride,
        c.pad,
      ).shape;
      const [x, f, dy] = [random(size(c.x)), random(size(c.filter)), random(size(outShape))];
      const cpu = await gradients("cpu", c, x, f, dy);
      const wasm = await gradients("wasm", c, x, f, dy);
      expect(wasm.dfShape).toEqual(c.filter);
      expect(maxRelativeError(wasm.df, cpu.df)).toBeLessThan(1e-5);
      expect(maxRelativeError(wasm.dx, cpu.dx)).toBeLessThan(1e-5);
    },
  );

  it("leaves no tensors behind", async () => {
    await useBackend("wasm");
    const c = CASES[1] as ConvCase;
    const before = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    await gradients("wasm", c, random(size(c.x)), random(size(c.filter)), random(2 * 4 * 4 * 8));
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.memory().numBytes).toBe(bytes);
  });
});
