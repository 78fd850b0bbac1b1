/** @module The official ResnetGenerator's state_dict: its keys and shapes (the names `generator.ts` reads). */
import type { GeneratorConfig } from "./config.ts";

export type { GeneratorConfig } from "./config.ts";

/**
 * Every key of the official generator's state_dict with its shape, in the reference table's order
 * (20 + 6·nBlocks keys: 44 for 4 blocks).
 *
 * @example generatorParamShapes({ ngf: 64, nBlocks: 4, light: true, imgSize: null }).get("FC.0.weight") // [256, 256]
 */
export function generatorParamShapes(config: GeneratorConfig): Map<string, number[]> {
  const { ngf, nBlocks, light, imgSize } = config;
  const c = 4 * ngf; // channels after the two down-sampling convs
  const fcIn = light ? c : (requireImgSize(imgSize) / 4) ** 2 * c;
  const shapes = new Map<string, number[]>([
    ["DownBlock.1.weight", [ngf, 3, 7, 7]],
    ["DownBlock.5.weight", [2 * ngf, ngf, 3, 3]],
    ["DownBlock.9.weight", [c, 2 * ngf, 3, 3]],
  ]);
  for (let i = 0; i < nBlocks; i++) {
    shapes.set(`DownBlock.${12 + i}.conv_block.1.weight`, [c, c, 3, 3]);
    shapes.set(`DownBlock.${12 + i}.conv_block.5.weight`, [c, c, 3, 3]);
  }
  shapes.set("gap_fc.weight", [1, c]);
  shapes.set("gmp_fc.weight", [1, c]);
  shapes.set("conv1x1.weight", [c, 2 * c, 1, 1]);
  shapes.set("conv1x1.bias", [c]);
  shapes.set("FC.0.weight", [c, fcIn]);
  shapes.set("FC.2.weight", [c, c]);
  shapes.set("gamma.weight", [c, c]);
  shapes.set("beta.weight", [c, c]);
  for (let i = 1; i <= nBlocks; i++) {
    for (const j of [1, 2]) {
      shapes.set(`UpBlock1_${i}.conv${j}.weight`, [c, c, 3, 3]);
      shapes.set(`UpBlock1_${i}.norm${j}.rho`, [1, c, 1, 1]);
    }
  }
  shapes.set("UpBlock2.2.weight", [2 * ngf, c, 3, 3]);
  for (const p of ["rho", "gamma", "beta"]) shapes.set(`UpBlock2.3.${p}`, [1, 2 * ngf, 1, 1]);
  shapes.set("UpBlock2.7.weight", [ngf, 2 * ngf, 3, 3]);
  for (const p of ["rho", "gamma", "beta"]) shapes.set(`UpBlock2.8.${p}`, [1, ngf, 1, 1]);
  shapes.set("UpBlock2.11.weight", [3, ngf, 7, 7]);
  return shapes;
}

function requireImgSize(imgSize: number | null): number {
  if (imgSize === null || imgSize % 4 !== 0 || imgSize <= 0) {
    throw new RangeError(`a full generator needs imgSize, a positive multiple of 4 (got ${imgSize})`);
  }
  return imgSize;
}

/** How a config reads in messages: `ngf 8, 4 blocks, light` / `ngf 8, 4 blocks, full 64²`. */
export function describeGenerator({ ngf, nBlocks, light, imgSize }: GeneratorConfig): string {
  return `ngf ${ngf}, ${nBlocks} blocks, ${light ? "light" : `full ${imgSize}²`}`;
}
