/**
 * The int8 export against its float32 source on the demo model's held-out images: calibrated on half of
 * them, measured on the other half, through ONNX Runtime as the onnx backend runs it.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { loadGenerator } from "@ugatit/model/checkpoints";
import { exportGeneratorToOnnx, protoFields, readOnnxModelInfo } from "@ugatit/model/onnx";
import { InferenceSession } from "onnxruntime-node";
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

describe("int8 QDQ export", () => {
  it("quantises the convolutions in QDQ form, says so in its metadata, and keeps 30 dB", async () => {
    const { bytes, session } = await quantized(false);
    const ops = operators(bytes);
    // the 4 decoder and 4 encoder blocks (2 convolutions each) and the 2 up-sampling convolutions
    expect(ops.get("QuantizeLinear")).toBe(2 * 18);
    expect(ops.get("DequantizeLinear")).toBe(3 * 18);
    const info = await readOnnxModelInfo(
      { size: bytes.length, readInto: async (t, at) => t.set(bytes.subarray(at, at + t.length)) },
      "demo.onnx",
    );
    expect(info.quantization).toBe("int8");
    const { psnr } = await againstFloat32(session);
    expect(psnr).toBeGreaterThanOrEqual(30);
    await session.release();
  });

  it("with the encoder in float32 keeps the CAM logits within 2 %", async () => {
    const { bytes, session } = await quantized(true);
    expect(operators(bytes).get("QuantizeLinear")).toBe(2 * 10);
    const { psnr, camRelative } = await againstFloat32(session);
    expect(psnr).toBeGreaterThanOrEqual(30);
    expect(camRelative).toBeLessThanOrEqual(0.02);
    await session.release();
  });

  it("refuses to quantise without calibration images", async () => {
    await expect(
      quantizeGenerator(model.config, model.weights, { direction: "A2B", images: [], size: SIZE }),
    ).rejects.toThrow(/at least one calibration image/);
  });
});
