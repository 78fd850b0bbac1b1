/** @module The generator's parameters: their names (the official PyTorch state_dict's, the TF variant's extras) and shapes. */
import type { GeneratorConfig } from "./config.ts";

export type { GeneratorConfig } from "./config.ts";

/**
 * Every parameter of the generator with its shape, in PyTorch's layouts. For the PyTorch code: the
 * official state_dict, in the reference table's order (20 + 6·nBlocks keys: 44 for 4 blocks). For the
 * TensorFlow code (`tfVersion`), the same names plus what TF has on top: each conv's `.bias`, the
 * encoder norms' affine `.weight`/`.bias` (at the norm's index, as `InstanceNorm2d(affine=True)`
 * names them), the Linear biases, and one CAM layer `CAM_logit` (legacy: and `CAM_logit.dense`) in
 * place of `gap_fc`/`gmp_fc`. A full TF model's `FC.0.weight` reads its input in H, W, C order.
 *
 * @example generatorParamShapes({ ngf: 64, nBlocks: 4, light: true, imgSize: null }).get("FC.0.weight") // [256, 256]
 */
export function generatorParamShapes(config: GeneratorConfig): Map<string, number[]> {
  const { ngf, nBlocks, light, imgSize, tfVersion } = config;
  const tf = tfVersion !== undefined;
  const c = 4 * ngf; // channels after the two down-sampling convs
  const fcIn = light ? c : (requireImgSize(imgSize) / 4) ** 2 * c;
  const shapes = new Map<string, number[]>();
  const conv = (name: string, out: number, inputs: number, k: number) => {
    shapes.set(`${name}.weight`, [out, inputs, k, k]);
    if (tf) shapes.set(`${name}.bias`, [out]);
  };
  const affineNorm = (name: string, channels: number) => {
    if (!tf) return;
    shapes.set(`${name}.weight`, [channels]);
    shapes.set(`${name}.bias`, [channels]);
  };
  const linear = (name: string, out: number, inputs: number) => {
    shapes.set(`${name}.weight`, [out, inputs]);
    if (tf) shapes.set(`${name}.bias`, [out]);
  };
  const iln = (name: string, channels: number) => {
    for (const p of ["rho", "gamma", "beta"]) shapes.set(`${name}.${p}`, [1, channels, 1, 1]);
  };

  conv("DownBlock.1", ngf, 3, 7);
  affineNorm("DownBlock.2", ngf);
  conv("DownBlock.5", 2 * ngf, ngf, 3);
  affineNorm("DownBlock.6", 2 * ngf);
  conv("DownBlock.9", c, 2 * ngf, 3);
  affineNorm("DownBlock.10", c);
  for (let i = 0; i < nBlocks; i++) {
    const block = `DownBlock.${12 + i}.conv_block`;
    conv(`${block}.1`, c, c, 3);
    affineNorm(`${block}.2`, c);
    conv(`${block}.5`, c, c, 3);
    affineNorm(`${block}.6`, c);
  }
  if (tf) {
    linear("CAM_logit", 1, c);
    if (tfVersion === "legacy") linear("CAM_logit.dense", 1, c);
  } else {
    shapes.set("gap_fc.weight", [1, c]);
    shapes.set("gmp_fc.weight", [1, c]);
  }
  shapes.set("conv1x1.weight", [c, 2 * c, 1, 1]);
  shapes.set("conv1x1.bias", [c]);
  linear("FC.0", c, fcIn);
  linear("FC.2", c, c);
  linear("gamma", c, c);
  linear("beta", c, c);
  for (let i = 1; i <= nBlocks; i++) {
    for (const j of [1, 2]) {
      conv(`UpBlock1_${i}.conv${j}`, c, c, 3);
      shapes.set(`UpBlock1_${i}.norm${j}.rho`, [1, c, 1, 1]);
    }
  }
  conv("UpBlock2.2", 2 * ngf, c, 3);
  iln("UpBlock2.3", 2 * ngf);
  conv("UpBlock2.7", ngf, 2 * ngf, 3);
  iln("UpBlock2.8", ngf);
  conv("UpBlock2.11", 3, ngf, 7);
  return shapes;
}

function requireImgSize(imgSize: number | null): number {
  if (imgSize === null || imgSize % 4 !== 0 || imgSize <= 0) {
    throw new RangeError(`a full generator needs imgSize, a positive multiple of 4 (got ${imgSize})`);
  }
  return imgSize;
}

/** How a config reads in messages: `ngf 8, 4 blocks, light` / `ngf 8, 4 blocks, full 64², TF legacy`. */
export function describeGenerator({ ngf, nBlocks, light, imgSize, tfVersion }: GeneratorConfig): string {
  const tf = tfVersion === undefined ? "" : `, TF ${tfVersion}`;
  return `ngf ${ngf}, ${nBlocks} blocks, ${light ? "light" : `full ${imgSize}²`}${tf}`;
}
