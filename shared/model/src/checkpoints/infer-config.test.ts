import { describe, expect, test } from "vitest";
import { discriminatorParamShapes } from "../architecture/discriminator-spec.ts";
import { generatorParamShapes } from "../architecture/generator-spec.ts";
import { inferDiscriminatorConfig, inferGeneratorConfig } from "./infer-config.ts";
import { loadDiscriminator, loadGenerator } from "./load.ts";
import { expectCheckpointError, PARITY } from "./testing.ts";
import { elementCount } from "./weight-file.ts";

describe("generatorParamShapes", () => {
  test("the reference table for ngf 64: 44 keys, 278,959,808 parameters for full 256², 10,589,888 light", () => {
    const full = generatorParamShapes({ ngf: 64, nBlocks: 4, light: false, imgSize: 256 });
    const light = generatorParamShapes({ ngf: 64, nBlocks: 4, light: true, imgSize: null });
    expect(full.size).toBe(44);
    expect(full.get("FC.0.weight")).toEqual([256, 1048576]);
    expect(light.get("FC.0.weight")).toEqual([256, 256]);
    expect(full.get("DownBlock.15.conv_block.5.weight")).toEqual([256, 256, 3, 3]);
    expect(full.get("UpBlock1_4.norm2.rho")).toEqual([1, 256, 1, 1]);
    expect(full.get("UpBlock2.11.weight")).toEqual([3, 64, 7, 7]);
    const count = (shapes: Map<string, number[]>) =>
      [...shapes.values()].reduce((n, s) => n + elementCount(s), 0);
    expect(count(full)).toBe(278_959_808);
    expect(count(light)).toBe(10_589_888);
  });

  test("any number of blocks: 20 + 6 per block", () => {
    for (const nBlocks of [0, 1, 6, 9]) {
      const shapes = generatorParamShapes({ ngf: 16, nBlocks, light: true, imgSize: null });
      expect(shapes.size).toBe(20 + 6 * nBlocks);
      expect(inferGeneratorConfig(shapes)).toEqual({ ngf: 16, nBlocks, light: true, imgSize: null });
    }
  });

  test("inferGeneratorConfig inverts it for full models of any size", () => {
    for (const imgSize of [8, 64, 128, 256]) {
      const config = { ngf: 4, nBlocks: 2, light: false, imgSize };
      expect(inferGeneratorConfig(generatorParamShapes(config))).toEqual(config);
    }
  });

  test("the keys and shapes of the official checkpoints, exactly", async () => {
    for (const file of ["light64.pt", "full64.pt"]) {
      const { config, weights } = await loadGenerator(`${PARITY}${file}`, "A2B");
      const shapes = new Map([...weights].map(([k, t]) => [k, t.shape]));
      expect(shapes).toEqual(generatorParamShapes(config));
    }
  });

  test("FC.0.weight that fits neither a light nor a full model", () => {
    const shapes = generatorParamShapes({ ngf: 8, nBlocks: 4, light: true, imgSize: null });
    shapes.set("FC.0.weight", [32, 33]);
    return expectCheckpointError(
      Promise.resolve().then(() => inferGeneratorConfig(shapes, "x.pt", "genA2B.")),
      "wrong_shape",
      "x.pt",
      /genA2B\.FC\.0\.weight is \[32, 33\], expected \[32, 32\] \(light\)/,
    );
  });
});

describe("discriminatorParamShapes", () => {
  test("global (7 layers) and local (5 layers) discriminators of the official checkpoints", async () => {
    for (const name of ["disGA", "disLB"] as const) {
      const { config, weights } = await loadDiscriminator(`${PARITY}light64.pt`, name);
      expect(config.nLayers).toBe(name.startsWith("disG") ? 7 : 5);
      expect(new Map([...weights].map(([k, t]) => [k, t.shape]))).toEqual(discriminatorParamShapes(config));
    }
  });

  test("ndf 64: channels double up to 2048 (global) and 512 (local)", () => {
    const global = discriminatorParamShapes({ ndf: 64, nLayers: 7 });
    expect(global.size).toBe(35);
    expect(global.get("model.16.weight_orig")).toEqual([2048, 1024, 4, 4]);
    expect(global.get("conv.weight_v")).toEqual([2048 * 16]);
    const local = discriminatorParamShapes({ ndf: 64, nLayers: 5 });
    expect(local.size).toBe(27);
    expect(local.get("conv1x1.weight")).toEqual([512, 1024, 1, 1]);
    expect(inferDiscriminatorConfig(local)).toEqual({ ndf: 64, nLayers: 5 });
  });
});
