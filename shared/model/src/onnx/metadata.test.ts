import { describe, expect, it } from "vitest";
import { generatorParamShapes } from "../architecture/generator-spec.ts";
import { initialWeights } from "../architecture/init.ts";
import { memorySource } from "../checkpoints/byte-source.ts";
import { exportGeneratorToOnnx } from "./export-generator.ts";
import { OnnxModelError, onnxMetadataProps, readOnnxModelInfo } from "./metadata.ts";
import { ProtoMessage } from "./protobuf.ts";

const read = (bytes: Uint8Array) => readOnnxModelInfo(memorySource(bytes, "m.onnx"), "m.onnx");

describe("an exported model's metadata", () => {
  it.each([
    [{ ngf: 4, nBlocks: 2, light: true, imgSize: null }, "B2A" as const],
    [{ ngf: 4, nBlocks: 3, light: false, imgSize: 16 }, "A2B" as const],
    [{ ngf: 4, nBlocks: 2, light: true, imgSize: null, tfVersion: "legacy" as const }, "A2B" as const],
    [{ ngf: 4, nBlocks: 1, light: false, imgSize: 8, tfVersion: "head" as const }, "B2A" as const],
  ])("reads back the configuration %o and direction %s", async (config, direction) => {
    const weights = initialWeights(generatorParamShapes(config), 3);
    const parameters = [...weights.values()].reduce((n, t) => n + t.data.length, 0);
    const bytes = exportGeneratorToOnnx(config, weights, { direction, untrained: true });
    expect(await read(bytes)).toEqual({
      config,
      direction,
      parameters,
      untrained: true,
      domains: null,
      quantization: "none",
    });
  });

  it("carries the source model's domain names, and refuses half of them", async () => {
    const config = { ngf: 4, nBlocks: 1, light: true, imgSize: null };
    const weights = initialWeights(generatorParamShapes(config), 3);
    const domains = { A: "colour emoji", B: "line-art emoji" };
    const bytes = exportGeneratorToOnnx(config, weights, { direction: "A2B", domains });
    expect((await read(bytes)).domains).toEqual(domains);
    const props = onnxMetadataProps({
      config,
      direction: "A2B",
      parameters: 1,
      untrained: false,
      domains,
      quantization: "none",
    });
    const half = new ProtoMessage();
    for (const [key, value] of Object.entries(props)) {
      if (key !== "domain_b") half.message(14, new ProtoMessage().string(1, key).string(2, value));
    }
    await expect(read(half.encode())).rejects.toThrow(/domain_a and domain_b are not both names/);
  });

  it("names the TF code version and the test path its pixels take", async () => {
    const config = { ngf: 4, nBlocks: 1, light: true, imgSize: null, tfVersion: "head" as const };
    const bytes = exportGeneratorToOnnx(config, initialWeights(generatorParamShapes(config)), {
      direction: "A2B",
    });
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain("tf_version");
    expect(text).toContain("tensorflow");
  });

  it("fp16 halves the file", () => {
    const config = { ngf: 8, nBlocks: 2, light: true, imgSize: null };
    const weights = initialWeights(generatorParamShapes(config), 3);
    const fp32 = exportGeneratorToOnnx(config, weights, { direction: "A2B" }).length;
    const fp16 = exportGeneratorToOnnx(config, weights, { direction: "A2B", fp16: true }).length;
    expect(fp16 / fp32).toBeGreaterThan(0.45);
    expect(fp16 / fp32).toBeLessThan(0.55);
  });

  it("refuses a model without ours, a truncated file and bytes that are not protobuf", async () => {
    const foreign = new ProtoMessage()
      .int(1, 8)
      .message(14, new ProtoMessage().string(1, "author").string(2, "x"));
    await expect(read(foreign.encode())).rejects.toThrow(/m\.onnx: not a U-GAT-IT generator/);
    const config = { ngf: 4, nBlocks: 1, light: true, imgSize: null };
    const bytes = exportGeneratorToOnnx(config, initialWeights(generatorParamShapes(config)), {
      direction: "A2B",
    });
    await expect(read(bytes.subarray(0, bytes.length - 10))).rejects.toThrow(/truncated/);
    await expect(read(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).rejects.toThrow(OnnxModelError);
  });
});
