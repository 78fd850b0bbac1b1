import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { TEST_BACKENDS, useBackend } from "../../../../../test/helpers/backends.ts";
import type { NpyArray } from "../../../../../test/helpers/npy.ts";
import { maxScaledError, referenceCase, toNhwc } from "../../../../../test/helpers/reference.ts";
import { toTfLayout } from "../params.ts";
import { tfOps } from "../tf-ops.ts";
import { classActivationMap } from "./cam.ts";
import { conv } from "./conv.ts";
import { linear } from "./linear.ts";
import { adaILN, instanceNorm, layerInstanceNorm } from "./norms.ts";
import { reflectionPad } from "./reflection-pad.ts";
import { upsampleNearest2x } from "./upsample.ts";

const nhwc = (a: NpyArray) => {
  const t = toNhwc(a);
  return tf.tensor4d(t.data, t.shape);
};
const torchParam = (name: string, a: NpyArray) => toTfLayout(name, a);
const vec = (a: NpyArray) => tf.tensor1d(a.data);
const mat = (a: NpyArray) => tf.tensor2d(a.data, a.shape as [number, number]);

async function expectMatches(actual: tf.Tensor, expected: NpyArray, tolerance = 1e-5) {
  const e = expected.shape.length === 4 ? toNhwc(expected) : expected;
  expect(actual.shape).toEqual(e.shape);
  expect(maxScaledError(await actual.data(), e.data)).toBeLessThanOrEqual(tolerance);
}

describe.each(TEST_BACKENDS)("layers against the official code, on %s", (backend) => {
  it("reflection padding does not repeat the border", async () => {
    await useBackend(backend);
    for (const pad of [1, 3]) {
      const c = referenceCase(`reflection_pad_${pad}`);
      await expectMatches(reflectionPad(nhwc(c.inputs.x!), pad), c.outputs.y!, 0);
    }
  });

  it("instance norm uses the biased variance", async () => {
    await useBackend(backend);
    const c = referenceCase("instance_norm");
    await expectMatches(instanceNorm(nhwc(c.inputs.x!)), c.outputs.y!);
  });

  it("ILN mixes IN and LN with unbiased variances and learned rho, gamma, beta", async () => {
    await useBackend(backend);
    const c = referenceCase("iln");
    const p = c.params;
    const y = layerInstanceNorm(nhwc(c.inputs.x!), vec(p.rho!), vec(p.gamma!), vec(p.beta!));
    await expectMatches(y, c.outputs.y!);
  });

  it("adaILN takes gamma and beta per image", async () => {
    await useBackend(backend);
    const c = referenceCase("ada_iln");
    const y = adaILN(nhwc(c.inputs.x!), vec(c.params.rho!), mat(c.inputs.gamma!), mat(c.inputs.beta!));
    await expectMatches(y, c.outputs.y!);
  });

  it("upsampling is nearest, not bilinear", async () => {
    await useBackend(backend);
    const c = referenceCase("upsample_nearest_2x");
    await expectMatches(upsampleNearest2x(nhwc(c.inputs.x!)), c.outputs.y!, 0);
  });

  it("reflection-padded strided convolutions floor their output size", async () => {
    await useBackend(backend);
    for (const k of [3, 4]) {
      const c = referenceCase(`conv${k}x${k}_s2_reflpad1`);
      const filter = torchParam("weight", c.params.weight!) as tf.Tensor4D;
      const y = conv(nhwc(c.inputs.x!), filter, { pad: 1, stride: 2, bias: vec(c.params.bias!) });
      await expectMatches(y, c.outputs.y!);
    }
  });

  it("the generator CAM gives logits, re-weighted features and the heatmap", async () => {
    await useBackend(backend);
    const c = referenceCase("gen_cam");
    const p = c.params;
    const out = classActivationMap<tf.Tensor>(tfOps, nhwc(c.inputs.x!), {
      gapLogit: mat(p["gap_fc.weight"]!),
      gmpLogit: mat(p["gmp_fc.weight"]!),
      gapChannels: mat(p["gap_fc.weight"]!),
      gmpChannels: mat(p["gmp_fc.weight"]!),
      conv1x1: torchParam("conv1x1.weight", p["conv1x1.weight"]!) as tf.Tensor4D,
      conv1x1Bias: vec(p["conv1x1.bias"]!),
      activation: "relu",
    });
    await expectMatches(out.x, c.outputs.x!);
    await expectMatches(out.camLogit, c.outputs.cam_logit!);
    await expectMatches(out.heatmap, c.outputs.heatmap!);
  });
});

describe("layers by hand", () => {
  it("reflection pad 1 of the rows [1 2 3], [4 5 6] mirrors without repeating the border", async () => {
    await useBackend("cpu");
    const y = reflectionPad(tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]), 1);
    expect(y.shape).toEqual([1, 4, 5, 1]);
    expect(Array.from(await y.data())).toEqual([5, 4, 5, 6, 5, 2, 1, 2, 3, 2, 5, 4, 5, 6, 5, 2, 1, 2, 3, 2]);
  });

  it("instance norm of [0 2] is [-1 1] (biased variance 1)", async () => {
    await useBackend("cpu");
    const y = instanceNorm(tf.tensor4d([0, 2], [1, 1, 2, 1]));
    const [a, b] = await y.data();
    expect(a).toBeCloseTo(-1 / Math.sqrt(1 + 1e-5), 6);
    expect(b).toBeCloseTo(1 / Math.sqrt(1 + 1e-5), 6);
  });

  it("adaILN with rho 1 is IN with the unbiased variance, scaled and shifted", async () => {
    await useBackend("cpu");
    const y = adaILN(
      tf.tensor4d([0, 2], [1, 1, 2, 1]),
      tf.tensor1d([1]),
      tf.tensor2d([[3]]),
      tf.tensor2d([[5]]),
    );
    const [a, b] = await y.data();
    // unbiased variance of [0, 2] is 2
    expect(a).toBeCloseTo(5 - 3 / Math.sqrt(2 + 1e-5), 5);
    expect(b).toBeCloseTo(5 + 3 / Math.sqrt(2 + 1e-5), 5);
  });

  it("nearest upsampling repeats each pixel into a 2×2 block", async () => {
    await useBackend("cpu");
    const y = upsampleNearest2x(tf.tensor4d([1, 2], [1, 1, 2, 1]));
    expect(y.shape).toEqual([1, 2, 4, 1]);
    expect(Array.from(await y.data())).toEqual([1, 1, 2, 2, 1, 1, 2, 2]);
  });
});

describe.each(TEST_BACKENDS)("TF variant layers, on %s", (backend) => {
  it("a Linear adds its bias once, whatever its width (256 inputs, as the released model's MLP)", async () => {
    await useBackend(backend);
    const inputs = 256;
    const x = tf.tensor2d(
      Float32Array.from({ length: inputs }, (_, i) => (i % 7) - 3),
      [1, inputs],
    );
    const weight = tf.tensor2d(
      Float32Array.from({ length: 2 * inputs }, (_, i) => (i < inputs ? 1 : 0)),
      [2, inputs],
    );
    const y = await linear(x, weight, tf.tensor1d([10, 20])).data();
    // Σ (i % 7 − 3) over 256 inputs is −6 (36 full cycles sum to 0; the last 4 give −3 −2 −1 + 0)
    expect(Array.from(y)).toEqual([4, 20]);
  });

  it("a reflection pad of [1, 0] pads top and left only, as TF's stride-2 convs do", async () => {
    await useBackend(backend);
    const y = reflectionPad(tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]), [1, 0]);
    expect(y.shape).toEqual([1, 3, 4, 1]);
    expect(Array.from(await y.data())).toEqual([5, 4, 5, 6, 2, 1, 2, 3, 5, 4, 5, 6]);
  });

  it("a TF ILN uses the biased variance and rho as given", async () => {
    await useBackend(backend);
    // rho 1: pure IN over [0, 2], whose biased variance is 1
    const y = await layerInstanceNorm(
      tf.tensor4d([0, 2], [1, 1, 2, 1]),
      tf.tensor1d([1]),
      tf.tensor1d([3]),
      tf.tensor1d([5]),
      "biased",
    ).data();
    expect(y[0]).toBeCloseTo(5 - 3 / Math.sqrt(1 + 1e-5), 5);
    expect(y[1]).toBeCloseTo(5 + 3 / Math.sqrt(1 + 1e-5), 5);
  });

  it("an affine instance norm scales and shifts each channel", async () => {
    await useBackend(backend);
    const y = await instanceNorm(tf.tensor4d([0, 10, 2, 30], [1, 1, 2, 2]), {
      gamma: tf.tensor1d([3, 1]),
      beta: tf.tensor1d([5, -1]),
    }).data();
    const unit = 1 / Math.sqrt(1 + 1e-5); // channel 0 is [0, 2]
    expect(y[0]).toBeCloseTo(5 - 3 * unit, 5);
    expect(y[2]).toBeCloseTo(5 + 3 * unit, 5);
    expect(y[1]).toBeCloseTo(-1 - 10 / Math.sqrt(100 + 1e-5), 5);
  });

  it("HEAD's smoothing lowers AdaLIN's rho by 0.1 within [0, 1]", async () => {
    await useBackend(backend);
    const rho = await tfOps.smoothRho(tf.tensor1d([0, 0.05, 0.5, 1])).data();
    expect(Array.from(rho)).toEqual([0, 0, Math.fround(0.5 - 0.1), Math.fround(1 - 0.1)]);
  });
});
