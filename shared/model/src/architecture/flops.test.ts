import { describe, expect, it } from "vitest";
import { generatorMacs } from "./flops.ts";

describe("generatorMacs", () => {
  const light = { ngf: 64, nBlocks: 4, light: true, imgSize: null };

  it("counts the official light generator at 256²: 52.5 G multiply-adds", () => {
    expect(generatorMacs(light, 256)).toBe(52_504_559_616);
  });

  it("counts the export's up-sampling as four 2×2 phases at the source's resolution: 16/36 of its work", () => {
    const upsampling = 9 * 256 * 128 * 128 ** 2 + 9 * 128 * 64 * 256 ** 2;
    expect(generatorMacs(light, 256, { phases: true })).toBe(52_504_559_616 - (upsampling * 20) / 36);
  });

  it("counts a full model's fully connected layer on the flattened map", () => {
    const full = { ...light, light: false, imgSize: 256 };
    expect(generatorMacs(full, 256) - generatorMacs(light, 256)).toBe(256 * 64 * 64 * 256 - 256 * 256);
  });
});
