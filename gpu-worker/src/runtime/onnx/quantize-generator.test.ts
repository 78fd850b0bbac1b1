/**
 * The int8 export against its float32 source on the demo model's held-out images: calibrated on half of
 * them, measured on the other half, through ONNX Runtime as the onnx backend runs it. And the int8
 * graph's structure (channels-last, gathered receptive fields, up-sampling phases) checked by its float32
 * twin, the calibration graph, computing what the float32 export computes.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  type GeneratorConfig,
  generatorParamShapes,
  initialWeights,
  type TorchWeights,
} from "@ugatit/model/architecture";
import { loadGenerator } from "@ugatit/model/checkpoints";
import { exportGeneratorToOnnx, int8Plan, protoFields, readOnnxModelInfo } from "@ugatit/model/onnx";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES } from "../../../../test/helpers/reference.ts";
import { decodeImage } from "../../image/index.ts";
import type { RgbImage } from "../translator.ts";
import { quantizationError } from "./quantization-error.ts";
import { quantizeGenerator } from "./quantize-generator.ts";

const DEMO = resolve(FIXTURES, "../../models/demo/emoji-light.safetensors");
const HELD_OUT = resolve(FIXTURES, "demo-check/testA");
/** The demo model's training side. */
const SIZE = 96;

let calibration: RgbImage[];
let evaluation: RgbImage[];
let model: Awaited<ReturnType<typeof loadGenerator>>;
let float32: InferenceSession;

beforeAll(async () => {
  const names = (await readdir(HELD_OUT)).sort();
  const images = await Promise.all(names.map(async (n) => decodeImage(await readFile(join(HELD_OUT, n)))));
  calibration = images.filter((_, i) => i % 2 === 1);
  evaluation = images.filter((_, i) => i % 2 === 0);
  model = await loadGenerator(DEMO, "A2B");
  float32 = await InferenceSession.create(
    exportGeneratorToOnnx(model.config, model.weights, { direction: "A2B" }),
  );
});

const againstFloat32 = async (int8: InferenceSession) => quantizationError(float32, int8, evaluation, SIZE);

/** The operator types of a serialised ModelProto's graph. */
function operators(bytes: Uint8Array): Map<string, number> {
  const text = new TextDecoder();
  const sub = (f: { offset: number; length: number }, b: Uint8Array) =>
    b.subarray(f.offset, f.offset + f.length);
  const graph = sub([...protoFields(bytes)].find((f) => f.field === 7)!, bytes);
  const counts = new Map<string, number>();
  for (const node of [...protoFields(graph)].filter((f) => f.field === 1)) {
    const op = [...protoFields(sub(node, graph))].find((f) => f.field === 4)!;
    const name = text.decode(sub(op, sub(node, graph)));
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

async function quantized(floatEncoder: boolean) {
  const bytes = await quantizeGenerator(model.config, model.weights, {
    direction: "A2B",
    images: calibration,
    size: SIZE,
    floatEncoder,
  });
  return { bytes, session: await InferenceSession.create(bytes) };
}

describe("int8 export", () => {
  it("meets the issue's targets by default: 30 dB and the CAM logits within 2 % of float32's", async () => {
    const { bytes, session } = await quantized(false);
    const ops = operators(bytes);
    // int8: 8 encoder, conv1x1, 8 decoder and 2 up-sampling convolutions, each input rounded once: with
    // its range (DynamicQuantizeLinear), or a ReLU's with its max (QuantizeLinear, the ReLU left out);
    // a second input part for every encoder block's first and the first block's second. float32: the
    // stem, the two down-sampling convolutions and the head
    expect(ops.get("DynamicQuantizeLinear")).toBe(10);
    expect(ops.get("QuantizeLinear")).toBe(9 + 5);
    expect(ops.get("MatMulInteger")).toBe(19 + 5);
    expect(ops.get("Conv")).toBe(4);
    const info = await readOnnxModelInfo(
      { size: bytes.length, readInto: async (t, at) => t.set(bytes.subarray(at, at + t.length)) },
      "demo.onnx",
    );
    expect(info.quantization).toBe("int8");
    const { psnr, camRelative, gapRelative, gmpRelative } = await againstFloat32(session);
    expect(psnr).toBeGreaterThanOrEqual(30);
    expect(camRelative).toBeLessThanOrEqual(0.02);
    expect(camRelative).toBe(Math.max(gapRelative, gmpRelative));
    // the residual blocks add zero-mean norms to the float32 down-sampling's output: the mean over
    // positions (the GAP logit) moves only by float32 rounding; the max (the GMP logit) is what moves
    expect(gapRelative).toBeLessThan(1e-4);
    expect(gmpRelative).toBeGreaterThan(gapRelative);
    await session.release();
  });

  it("with the encoder in float32 keeps the CAM logits exact", async () => {
    const { bytes, session } = await quantized(true);
    expect(operators(bytes).get("MatMulInteger")).toBe(11);
    const { psnr, camRelative } = await againstFloat32(session);
    expect(psnr).toBeGreaterThanOrEqual(30);
    expect(camRelative).toBeLessThan(1e-4);
    await session.release();
  });

  it("refuses to quantise without calibration images", async () => {
    await expect(
      quantizeGenerator(model.config, model.weights, { direction: "A2B", images: [], size: SIZE }),
    ).rejects.toThrow(/at least one calibration image/);
  });
});

describe("int8 graph structure", () => {
  /** The calibration export with every convolution (but the head's 3 channels) on the int8 path. */
  async function twinDifference(config: GeneratorConfig, weights: TorchWeights, shape: number[]) {
    const input = new Tensor(
      "float32",
      Float32Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => Math.sin(i * 0.618) * 0.9),
      shape,
    );
    const plan = { ...int8Plan(config), float: [] };
    const a = await (
      await InferenceSession.create(exportGeneratorToOnnx(config, weights, { direction: "A2B" }))
    ).run({ input });
    const b = await (
      await InferenceSession.create(
        exportGeneratorToOnnx(config, weights, { direction: "A2B", quantize: { calibrate: true, ...plan } }),
      )
    ).run({ input });
    return Object.fromEntries(
      ["image", "cam_logit", "heatmap"].map((k) => {
        const [x, y] = [a[k]!.data as Float32Array, b[k]!.data as Float32Array];
        expect(b[k]!.dims).toEqual(a[k]!.dims);
        return [k, x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0)];
      }),
    );
  }

  it("computes the float32 export's outputs channels-last: light, a batch of 2, 64×80", async () => {
    const d = await twinDifference(model.config, model.weights, [2, 3, 64, 80]);
    expect(d.image).toBeLessThan(5e-4);
    expect(d.cam_logit).toBeLessThan(1e-4);
    expect(d.heatmap).toBeLessThan(1e-4);
  });

  it("and for a full model and a TensorFlow one (biased convolutions, affine norms, padding 1 then 0)", async () => {
    const full: GeneratorConfig = { ngf: 4, nBlocks: 2, light: false, imgSize: 32 };
    const tf: GeneratorConfig = { ngf: 4, nBlocks: 2, light: true, imgSize: null, tfVersion: "head" };
    for (const config of [full, tf]) {
      const d = await twinDifference(config, initialWeights(generatorParamShapes(config), 2), [1, 3, 32, 32]);
      expect(Math.max(d.image!, d.cam_logit!, d.heatmap!)).toBeLessThan(1e-4);
    }
  });
});
