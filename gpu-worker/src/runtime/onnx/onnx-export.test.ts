/**
 * The exported graph, checked by ONNX Runtime itself: it loads, its batch and (light) spatial axes are
 * dynamic, and it computes what the TF.js model and the official code compute.
 */
import { resolve } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import {
  Generator,
  type GeneratorConfig,
  generatorParamShapes,
  initialWeights,
  resnetGenerator,
  type TorchWeights,
} from "@ugatit/model/architecture";
import { loadGenerator } from "@ugatit/model/checkpoints";
import {
  DataType,
  exportGeneratorToOnnx,
  OnnxGraph,
  onnxOps,
  protoFields,
  type Value,
} from "@ugatit/model/onnx";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { useBackend } from "../../../../test/helpers/backends.ts";
import { FIXTURES, maxRelativeError, referenceCase, toNhwc } from "../../../../test/helpers/reference.ts";

const PARITY = resolve(FIXTURES, "ugatit-parity");

async function session(path: string, options: { fp16?: boolean } = {}) {
  const { config, weights } = await loadGenerator(resolve(PARITY, path), "A2B");
  const model = exportGeneratorToOnnx(config, weights, { direction: "A2B", ...options });
  return { config, weights, model, session: await InferenceSession.create(model) };
}

/** A deterministic batch of n images, NCHW, in [-1, 1]. */
function images(n: number, h: number, w: number): Float32Array {
  return Float32Array.from({ length: n * 3 * h * w }, (_, i) => Math.sin(i * 0.618) * 0.9);
}

async function run(s: InferenceSession, x: Float32Array, dims: number[]) {
  const out = await s.run({ input: new Tensor("float32", x, dims) });
  const data = (k: string) => out[k]!.data as Float32Array;
  return {
    image: data("image"),
    camLogit: data("cam_logit"),
    heatmap: data("heatmap"),
    dims: out.image!.dims,
  };
}

/** The node types and opset of a serialised ModelProto, read with the protobuf reader. */
function graphSummary(model: Uint8Array) {
  const text = new TextDecoder();
  const fields = [...protoFields(model)];
  const sub = (f: { offset: number; length: number }) => model.subarray(f.offset, f.offset + f.length);
  const opset = fields.find((f) => f.field === 8)!;
  const version = [...protoFields(sub(opset))].find((f) => f.field === 2)!.value;
  const graph = sub(fields.find((f) => f.field === 7)!);
  const ops = new Set<string>();
  const attributes = new Set<string>();
  for (const node of [...protoFields(graph)].filter((f) => f.field === 1)) {
    const bytes = graph.subarray(node.offset, node.offset + node.length);
    for (const f of protoFields(bytes)) {
      if (f.field === 4) ops.add(text.decode(bytes.subarray(f.offset, f.offset + f.length)));
      if (f.field === 5) {
        const attribute = bytes.subarray(f.offset, f.offset + f.length);
        for (const a of protoFields(attribute))
          if (a.field === 1 || a.field === 4)
            attributes.add(text.decode(attribute.subarray(a.offset, a.offset + a.length)));
      }
    }
  }
  return { version, ops, attributes };
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

function floats(g: OnnxGraph, name: string, data: Float32Array, dims: number[]): Value {
  return g.initializer(
    name,
    DataType.FLOAT,
    dims,
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  );
}

/** The light generator recorded with its upsampling as a node of its own (Resize, ReflPad, Conv 3×3). */
function plainUpsamplingGenerator(config: GeneratorConfig, weights: TorchWeights): Uint8Array {
  const g = new OnnxGraph("plain");
  const fused = onnxOps(g);
  // the convolution sees an Identity's output, not the upsampling's, so it convolves the upsampled map
  const ops = { ...fused, upsampleNearest2x: (x: Value) => g.op("Identity", [fused.upsampleNearest2x(x)]) };
  const params = new Map<string, Value>();
  const param = (name: string) => {
    const t = weights.get(name)!;
    if (!params.has(name)) params.set(name, floats(g, name, t.data, t.shape));
    return params.get(name)!;
  };
  const x = g.input("input", DataType.FLOAT, ["batch", 3, "height", "width"]);
  const out = resnetGenerator(ops, param, config, x);
  g.output(out.image, "image", DataType.FLOAT, ["batch", 3, "height", "width"]);
  g.output(out.camLogit, "cam_logit", DataType.FLOAT, ["batch", 2]);
  g.output(out.heatmap, "heatmap", DataType.FLOAT, ["batch", 1, "h4", "w4"]);
  return g.toModel({ producerName: "test", producerVersion: "0", metadata: {} });
}

describe("ONNX export", () => {
  it("is an opset 17 graph of the architecture's operators that ONNX Runtime loads", async () => {
    const { model, session: s } = await session("light64.pt");
    expect(s.inputNames).toEqual(["input"]);
    expect(s.outputNames).toEqual(["image", "cam_logit", "heatmap"]);
    const { version, ops, attributes } = graphSummary(model);
    expect(version).toBe(17n);
    for (const op of [
      "Pad",
      "Conv",
      "InstanceNormalization",
      "ReduceMean",
      "ReduceMax",
      "Gemm",
      "DepthToSpace",
      "Tanh",
    ])
      expect(ops).toContain(op);
    // reflection padding, as the official code; the upsampling is in the convolutions that follow it
    expect(attributes).toContain("reflect");
    expect(ops).not.toContain("Resize");
    expect(attributes).not.toContain("pads"); // every conv is padding=0 after its reflection pad
    await s.release();
  });

  it("has a dynamic batch: three images together equal each alone", async () => {
    const { session: s } = await session("full64.pt");
    const x = images(3, 64, 64);
    const together = await run(s, x, [3, 3, 64, 64]);
    expect(together.dims).toEqual([3, 3, 64, 64]);
    const per = 3 * 64 * 64;
    for (let i = 0; i < 3; i++) {
      const alone = await run(s, x.slice(i * per, (i + 1) * per), [1, 3, 64, 64]);
      expect(
        maxRelativeError(alone.image, together.image.subarray(i * per, (i + 1) * per), 1e-3).worst,
      ).toBeLessThan(1e-5);
      expect(
        maxRelativeError(alone.camLogit, together.camLogit.subarray(2 * i, 2 * i + 2)).worst,
      ).toBeLessThan(1e-5);
    }
    await s.release();
  });

  it("runs a light model at 96×80, batch 2, as TF.js and the official code do", async () => {
    const { config, weights, session: s } = await session("light64.pt");
    const c = referenceCase("genA2B_light_96x80");
    const x = c.inputs.x!;
    const out = await run(s, x.data, x.shape);
    expect(out.dims).toEqual([2, 3, 96, 80]);
    // the official outputs
    expect(maxRelativeError(out.image, c.outputs.out!.data, 1e-2).worst).toBeLessThan(1e-3);
    expect(maxRelativeError(out.camLogit, c.outputs.cam_logit!.data).worst).toBeLessThan(1e-4);
    expect(maxRelativeError(out.heatmap, c.outputs.heatmap!.data, 1e-3).worst).toBeLessThan(1e-4);
    // the TF.js model, same weights
    await useBackend("cpu");
    const nhwc = toNhwc(x);
    const generator = Generator.fromTorch(config, weights);
    const tfOut = generator.forward(tf.tensor4d(nhwc.data, nhwc.shape));
    const tfImage = toNhwc({ data: out.image, shape: [2, 3, 96, 80] });
    expect(maxRelativeError(tfImage.data, await tfOut.image.data(), 1e-2).worst).toBeLessThan(1e-3);
    expect(maxRelativeError(out.camLogit, await tfOut.camLogit.data()).worst).toBeLessThan(1e-5);
    generator.dispose();
    await s.release();
  });

  it("with --fp16 stores half-precision weights that ONNX Runtime's CPU provider still runs", async () => {
    const fp32 = await session("full64.pt");
    const fp16 = await session("full64.pt", { fp16: true });
    expect(fp16.model.length / fp32.model.length).toBeLessThan(0.55);
    const x = images(1, 64, 64);
    const a = await run(fp32.session, x, [1, 3, 64, 64]);
    const b = await run(fp16.session, x, [1, 3, 64, 64]);
    let worst = 0;
    for (let i = 0; i < a.image.length; i++) worst = Math.max(worst, Math.abs(a.image[i]! - b.image[i]!));
    expect(worst).toBeLessThan(0.05); // a few levels of 255 at most
    expect(worst).toBeGreaterThan(0); // really half precision
    await Promise.all([fp32.session.release(), fp16.session.release()]);
  });

  it("with halfConvolutions computes the convolutions in float16, the rest and the I/O in float32", async () => {
    const { config, weights } = await loadGenerator(resolve(PARITY, "full64.pt"), "A2B");
    const fp32 = await InferenceSession.create(exportGeneratorToOnnx(config, weights, { direction: "A2B" }));
    const half = exportGeneratorToOnnx(config, weights, { direction: "A2B", halfConvolutions: true });
    const fp16 = await InferenceSession.create(half);
    expect(graphSummary(half).ops).toContain("Cast");
    const x = images(1, 64, 64);
    const a = await run(fp32, x, [1, 3, 64, 64]);
    const b = await run(fp16, x, [1, 3, 64, 64]);
    const worst = maxAbsDifference(a.image, b.image);
    expect(worst).toBeLessThan(0.05); // a few levels of 255 at most
    expect(worst).toBeGreaterThan(0); // really half precision
    expect(maxAbsDifference(a.camLogit, b.camLogit)).toBeLessThan(0.05);
    await Promise.all([fp32.release(), fp16.release()]);
  });

  it("computes the up-sampling convolutions at half resolution, as upsampling first would (96×80, 256²)", async () => {
    const config: GeneratorConfig = { ngf: 16, nBlocks: 2, light: true, imgSize: null };
    const weights = initialWeights(generatorParamShapes(config), 7);
    const model = exportGeneratorToOnnx(config, weights, { direction: "A2B" });
    expect(graphSummary(model).ops).not.toContain("Resize");
    const plain = plainUpsamplingGenerator(config, weights);
    expect(graphSummary(plain).ops).toContain("Resize");
    const [fused, reference] = await Promise.all([
      InferenceSession.create(model),
      InferenceSession.create(plain),
    ]);
    for (const [n, h, w] of [
      [2, 96, 80],
      [1, 256, 256],
    ] as const) {
      const x = images(n, h, w);
      const a = await run(fused, x, [n, 3, h, w]);
      const b = await run(reference, x, [n, 3, h, w]);
      expect(a.dims).toEqual([n, 3, h, w]);
      expect(maxAbsDifference(a.image, b.image)).toBeLessThan(1e-5);
      expect(maxAbsDifference(a.camLogit, b.camLogit)).toBe(0); // before the decoder
    }
    await Promise.all([fused.release(), reference.release()]);
  });

  it("takes a bias and few output channels in an up-sampling convolution, any side", async () => {
    for (const [inputs, out, h, w] of [
      [5, 6, 7, 5],
      [4, 2, 6, 9],
    ] as const) {
      const filter = Float32Array.from({ length: out * inputs * 9 }, (_, i) => Math.sin(i * 1.7));
      const bias = Float32Array.from({ length: out }, (_, i) => i - 1.5);
      const layer = (plain: boolean) => {
        const g = new OnnxGraph("layer");
        const ops = onnxOps(g);
        const x = g.input("input", DataType.FLOAT, [2, inputs, h, w]);
        const up = ops.upsampleNearest2x(x);
        const y = ops.conv(plain ? g.op("Identity", [up]) : up, floats(g, "w", filter, [out, inputs, 3, 3]), {
          pad: 1,
          bias: floats(g, "b", bias, [out]),
        });
        g.output(y, "image", DataType.FLOAT, [2, out, 2 * h, 2 * w]);
        return InferenceSession.create(
          g.toModel({ producerName: "test", producerVersion: "0", metadata: {} }),
        );
      };
      const x = Float32Array.from({ length: 2 * inputs * h * w }, (_, i) => Math.cos(i * 0.37));
      const [fused, reference] = await Promise.all([layer(false), layer(true)]);
      const a = await fused.run({ input: new Tensor("float32", x, [2, inputs, h, w]) });
      const b = await reference.run({ input: new Tensor("float32", x, [2, inputs, h, w]) });
      expect(a.image!.dims).toEqual([2, out, 2 * h, 2 * w]);
      expect(maxAbsDifference(a.image!.data as Float32Array, b.image!.data as Float32Array)).toBeLessThan(
        1e-5,
      );
      await Promise.all([fused.release(), reference.release()]);
    }
  });

  it("refuses weights that do not match the configuration", () => {
    const config: GeneratorConfig = { ngf: 8, nBlocks: 4, light: true, imgSize: null };
    expect(() => exportGeneratorToOnnx(config, new Map(), { direction: "A2B" })).toThrow(
      /DownBlock\.1\.weight is missing/,
    );
  });
});
