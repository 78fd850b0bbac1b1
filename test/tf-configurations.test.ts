/**
 * TF-variant configurations no fixture covers, written as TF checkpoints with random weights: a full model
 * (ch 8, 64², both code versions) and a light one at another size run the same on TF.js and on ONNX
 * Runtime; the full model's MLP reads its input in H, W, C order; the released configuration (full,
 * ch 64, 256²) is read with every variable's shape checked.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { toChannelsFirst, toChannelsLast } from "@ugatit/contracts/image";
import {
  Generator,
  type GeneratorConfig,
  generatorParamShapes,
  initialWeights,
  mulberry32,
  type TfVersion,
  type TorchWeights,
  tfOps,
} from "@ugatit/model/architecture";
import { elementCount, loadGenerator, openWeightFile, resolveTfGenerator } from "@ugatit/model/checkpoints";
import { DataType, exportGeneratorToOnnx, OnnxGraph, onnxOps } from "@ugatit/model/onnx";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_BACKENDS, useBackend } from "./helpers/backends.ts";
import { writeTfGenerators } from "./helpers/tf-generator.ts";

const scratch = await mkdtemp(join(tmpdir(), "ugatit-tf-configs-"));
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** Random weights as a trained TF checkpoint of `version` could hold them, AdaLIN's rho in its range. */
function tfWeights(config: GeneratorConfig, seed: number): TorchWeights {
  const weights = initialWeights(generatorParamShapes(config), seed);
  const random = mulberry32(seed + 1);
  for (const [name, t] of weights) {
    if (/^UpBlock1_\d+\.norm\d\.rho$/.test(name)) {
      // HEAD keeps rho in [0, 1], legacy in [0, 0.9] with channels stuck at 0.9
      const max = config.tfVersion === "legacy" ? 0.9 : 1;
      t.data.forEach((_, i) => {
        t.data[i] = i % 5 === 0 ? max : random() * max;
      });
    } else if (/\.(rho|gamma|beta)$/.test(name) || /^DownBlock\.(2|6|10)\./.test(name)) {
      t.data.forEach((_, i) => {
        t.data[i] = name.endsWith("rho") ? random() : 0.5 + random();
      });
    }
  }
  return weights;
}

interface Outputs {
  image: Float32Array;
  camLogit: Float32Array;
  heatmap: Float32Array;
}

async function onTfjs(
  backend: string,
  config: GeneratorConfig,
  weights: TorchWeights,
  x: Float32Array,
  dims: number[],
) {
  await useBackend(backend);
  const generator = Generator.fromTorch(config, weights);
  const out = generator.forward(tf.tensor4d(x, dims as [number, number, number, number]));
  const result: Outputs = {
    image: (await out.image.data()) as Float32Array,
    camLogit: (await out.camLogit.data()) as Float32Array,
    heatmap: (await out.heatmap.data()) as Float32Array,
  };
  tf.dispose(out);
  generator.dispose();
  return result;
}

async function onOnnx(config: GeneratorConfig, weights: TorchWeights, x: Float32Array, [n, h, w]: number[]) {
  const session = await InferenceSession.create(exportGeneratorToOnnx(config, weights, { direction: "A2B" }));
  const hw = h! * w!;
  const out = await session.run({
    input: new Tensor("float32", toChannelsFirst(x, n!, hw, 3), [n!, 3, h!, w!]),
  });
  await session.release();
  return {
    image: toChannelsLast(out.image!.data as Float32Array, n!, hw, 3),
    camLogit: out.cam_logit!.data as Float32Array,
    heatmap: out.heatmap!.data as Float32Array,
  };
}

/** Largest difference relative to the largest reference value (heatmaps are sums of many channels). */
function scaledDifference(actual: Float32Array, expected: Float32Array): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return worst / Math.max(scale, 1);
}

describe.each([
  {
    name: "full, ch 8, 64², HEAD",
    config: { ngf: 8, nBlocks: 4, light: false, imgSize: 64 },
    version: "head",
    dims: [1, 64, 64, 3],
  },
  {
    name: "full, ch 8, 64², legacy",
    config: { ngf: 8, nBlocks: 4, light: false, imgSize: 64 },
    version: "legacy",
    dims: [1, 64, 64, 3],
  },
  {
    name: "light, ch 8, a batch of 2 at 96×80, legacy",
    config: { ngf: 8, nBlocks: 4, light: true, imgSize: null },
    version: "legacy",
    dims: [2, 96, 80, 3],
  },
] as const)("a TF generator, $name, from a TF checkpoint", ({ config: shape, version, dims }) => {
  const config: GeneratorConfig = { ...shape, tfVersion: version as TfVersion };
  const prefix = join(scratch, `${shape.light ? "light" : "full"}-${version}`, "UGATIT.model-1");

  it("is read with its configuration and code version, and runs the same on TF.js and ONNX Runtime", async () => {
    const weights = tfWeights(config, 5);
    await writeTfGenerators(prefix, config, { A2B: weights });
    const loaded = await loadGenerator(prefix, "A2B");
    expect(loaded.config).toEqual(config);
    const random = mulberry32(9);
    const x = Float32Array.from(
      { length: dims.reduce((a: number, b: number) => a * b, 1) },
      () => random() * 2 - 1,
    );
    const reference = await onTfjs("cpu", loaded.config, loaded.weights, x, [...dims]);
    const others = [
      ...TEST_BACKENDS.filter((b) => b !== "cpu").map((b) =>
        onTfjs(b, loaded.config, loaded.weights, x, [...dims]),
      ),
      onOnnx(loaded.config, loaded.weights, x, [...dims]),
    ];
    for (const other of others) {
      const out = await other;
      expect(scaledDifference(out.image, reference.image)).toBeLessThanOrEqual(2e-4);
      expect(scaledDifference(out.camLogit, reference.camLogit)).toBeLessThanOrEqual(1e-4);
      expect(scaledDifference(out.heatmap, reference.heatmap)).toBeLessThanOrEqual(2e-4);
    }
  });
});

describe("the full TF model's MLP input", () => {
  // ch 1: 4 channels of 4×4 features reach linear_0, whose first output selects feature (h 1, w 2, c 3)
  const config: GeneratorConfig = { ngf: 1, nBlocks: 4, light: false, imgSize: 16, tfVersion: "head" };
  const [h, w, c, side, channels] = [1, 2, 3, 4, 4];
  const code = (y: number, x: number, k: number) => 100 * y + 10 * x + k;
  /** The features as NHWC values, each naming its position. */
  const features = Float32Array.from({ length: side * side * channels }, (_, i) =>
    code(Math.floor(i / (side * channels)), Math.floor(i / channels) % side, i % channels),
  );

  async function selectingLinear0() {
    const weights = tfWeights(config, 3);
    const fc0 = weights.get("FC.0.weight")!;
    fc0.data.fill(0);
    fc0.data[(h * side + w) * channels + c] = 1; // row 0 in the model's [out, in] layout
    weights.get("FC.0.bias")!.data.fill(0);
    const prefix = join(scratch, "flatten", "UGATIT.model-1");
    await writeTfGenerators(prefix, config, { B2A: weights });
    return (await loadGenerator(prefix, "B2A")).weights.get("FC.0.weight")!;
  }

  it("flattens H, W, C on TF.js: linear_0 picks the feature at (h, w, c)", async () => {
    const fc0 = await selectingLinear0();
    await useBackend("cpu");
    const x = tf.tensor4d(features, [1, side, side, channels]);
    const weight = tf.tensor2d(fc0.data, fc0.shape as [number, number]);
    const y = await tfOps.linear(tfOps.flattenHwc(x), weight).data();
    expect(y[0]).toBe(code(h, w, c));
    const chw = await tfOps.linear(tfOps.flattenChw(x), weight).data();
    expect(chw[0]).not.toBe(code(h, w, c)); // PyTorch's order would read another feature
  });

  it("flattens H, W, C in the ONNX graph too", async () => {
    const fc0 = await selectingLinear0();
    const g = new OnnxGraph("flatten");
    const ops = onnxOps(g);
    const x = g.input("input", DataType.FLOAT, [1, channels, side, side]);
    const weight = g.initializer("w", DataType.FLOAT, fc0.shape, new Uint8Array(fc0.data.buffer));
    g.output(ops.linear(ops.flattenHwc(x), weight), "y", DataType.FLOAT, [1, fc0.shape[0]!]);
    const session = await InferenceSession.create(
      g.toModel({ producerName: "test", producerVersion: "0", metadata: {} }),
    );
    const nchw = toChannelsFirst(features, 1, side * side, channels);
    const out = await session.run({ input: new Tensor("float32", nchw, [1, channels, side, side]) });
    await session.release();
    expect((out.y!.data as Float32Array)[0]).toBe(code(h, w, c));
  });
});

describe("the released configuration (full, ch 64, 256², n_res 4)", () => {
  it("is read from a TF checkpoint of its shape: 92 variables, 278,970,308 parameters per generator", async () => {
    const config: GeneratorConfig = { ngf: 64, nBlocks: 4, light: false, imgSize: 256, tfVersion: "head" };
    const shapes = generatorParamShapes(config);
    expect(shapes.size).toBe(92);
    expect([...shapes.values()].reduce((n, s) => n + elementCount(s), 0)).toBe(278_970_308);
    const prefix = join(scratch, "released", "UGATIT.model-1000000");
    await writeTfGenerators(prefix, { ...config, tfVersion: "legacy" }, { A2B: "zeros", B2A: "zeros" });
    const file = await openWeightFile(prefix);
    try {
      expect(file.tensors.get("generator_B/MLP/linear_0/dense/kernel")?.shape).toEqual([1_048_576, 256]);
      for (const direction of ["A2B", "B2A"] as const) {
        // the legacy CAM layer is there, and rho (all zeros) says nothing against it
        expect((await resolveTfGenerator(file, direction)).config).toEqual({
          ...config,
          tfVersion: "legacy",
        });
        expect((await resolveTfGenerator(file, direction, "head")).config).toEqual(config);
      }
    } finally {
      await file.close();
    }
  });
});

describe("the TF code version", () => {
  const config: GeneratorConfig = { ngf: 2, nBlocks: 4, light: true, imgSize: null, tfVersion: "legacy" };

  it("conflicting evidence stops the load with one line naming the file; the caller's choice settles it", async () => {
    // the legacy CAM layer, but AdaLIN rho above the legacy code's 0.9
    const weights = tfWeights({ ...config, tfVersion: "head" }, 4);
    for (const [name, t] of tfWeights(config, 4))
      if (name.startsWith("CAM_logit.dense")) weights.set(name, t);
    const prefix = join(scratch, "mixed", "UGATIT.model-7");
    await writeTfGenerators(prefix, config, { A2B: weights });
    await expect(loadGenerator(prefix, "A2B")).rejects.toThrow(
      /^UGATIT\.model-7\.index: ambiguous TF code version: generator_B has the legacy CAM_logit\/dense layer but AdaLIN rho above 0\.9 \(HEAD\); give the version: --tf-version head\|legacy \(CLI\), UGATIT_TF_VERSION \(worker\)$/,
    );
    expect((await loadGenerator(prefix, "A2B", { tfVersion: "head" })).config.tfVersion).toBe("head");
    expect((await loadGenerator(prefix, "A2B", { tfVersion: "legacy" })).config.tfVersion).toBe("legacy");
  });

  it("legacy asked of a HEAD checkpoint names the variable it lacks; a missing direction is named too", async () => {
    const prefix = join(scratch, "head-only-B2A", "UGATIT.model-8");
    await writeTfGenerators(
      prefix,
      { ...config, tfVersion: "head" },
      { B2A: tfWeights({ ...config, tfVersion: "head" }, 6) },
    );
    await expect(loadGenerator(prefix, "B2A", { tfVersion: "legacy" })).rejects.toThrow(
      /missing variable: generator_A\/CAM_logit\/dense\/kernel \(the legacy code's CAM logit layer\)/,
    );
    await expect(loadGenerator(prefix, "A2B")).rejects.toThrow(
      /missing direction: no generator_B \(the A2B generator\) in this TF checkpoint \(it has generator_A\)/,
    );
  });
});
