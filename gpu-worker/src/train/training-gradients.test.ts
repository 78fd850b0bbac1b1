import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { TEST_BACKENDS, useBackend } from "../../../test/helpers/backends.ts";
import { prepareTraining } from "./tfjs-gradients.ts";

await prepareTraining();

/** The gradient of Σ w · f(x) with respect to x. */
function gradientOf(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, w: tf.Tensor): Float32Array {
  return tf
    .grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), w)))(x)
    .dataSync() as Float32Array;
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

/** The same gradient by hand: every padded position adds its weight to the element it copies. */
function mirrorPadByHand(
  h: number,
  w: number,
  p: number,
  mode: "reflect" | "symmetric",
  weights: Float32Array,
) {
  const source = (i: number, n: number) => {
    if (i < 0) return mode === "reflect" ? -i : -i - 1;
    if (i >= n) return mode === "reflect" ? 2 * n - 2 - i : 2 * n - 1 - i;
    return i;
  };
  const out = new Float32Array(h * w);
  const pw = w + 2 * p;
  for (let y = 0; y < h + 2 * p; y++) {
    for (let x = 0; x < pw; x++) out[source(y - p, h) * w + source(x - p, w)]! += weights[y * pw + x]!;
  }
  return out;
}

describe.each(TEST_BACKENDS)("training gradients on %s", (backend) => {
  it.each([
    ["reflect", 1],
    ["reflect", 3],
    ["symmetric", 2],
  ] as const)(
    "MirrorPad %s by %i sends the mirrored border's gradient back to its source",
    async (mode, p) => {
      await useBackend(backend);
      const [h, w] = [5, 7];
      const weights = Float32Array.from({ length: (h + 2 * p) * (w + 2 * p) }, (_, i) => Math.cos(i));
      const g = gradientOf(
        (x) =>
          tf.mirrorPad(
            x,
            [
              [0, 0],
              [p, p],
              [p, p],
              [0, 0],
            ],
            mode,
          ),
        tf.zeros([1, h, w, 1]),
        tf.tensor(weights, [1, h + 2 * p, w + 2 * p, 1]),
      );
      const expected = mirrorPadByHand(h, w, p, mode, weights);
      expect(maxAbsDifference(g, expected)).toBeLessThan(1e-5);
    },
  );

  it("a global average pool spreads its gradient evenly, as a strided pool's general gradient does", async () => {
    await useBackend(backend);
    const x = tf.randomNormal([2, 6, 5, 3]);
    const dy = tf.randomNormal([2, 1, 1, 3]);
    const pooled = gradientOf((v) => tf.avgPool(v as tf.Tensor4D, [6, 5], [6, 5], "valid"), x, dy);
    const byMean = gradientOf((v) => tf.mean(v, [1, 2], true), x, dy);
    expect(maxAbsDifference(pooled, byMean)).toBeLessThan(1e-6);
  });
});
