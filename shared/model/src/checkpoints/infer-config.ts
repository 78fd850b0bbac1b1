/** @module The configuration a checkpoint's tensor shapes imply, for the generator and the discriminator. */
import type { DiscriminatorConfig, GeneratorConfig } from "../architecture/config.ts";
import { CheckpointError, formatShape } from "./errors.ts";

/**
 * Reads the config off a generator state_dict's shapes: ngf from `DownBlock.1.weight`, nBlocks by
 * counting residual blocks, light vs full (and the full model's imgSize) from `FC.0.weight`.
 * A full model at imgSize 4 is indistinguishable from (and computes the same as) a light one.
 * A generator of the TF code, as `ugatit convert` writes it, has `CAM_logit` in place of `gap_fc`
 * (and at the legacy version `CAM_logit.dense` too).
 * `source` names the file in error messages, `prefix` the network (`genA2B.`) in front of its keys.
 */
export function inferGeneratorConfig(
  shapes: Map<string, number[]>,
  source = "state_dict",
  prefix = "",
): GeneratorConfig {
  const stem = requireShape(shapes, "DownBlock.1.weight", source, prefix);
  const [ngf = 0] = stem;
  if (stem.length !== 4 || ngf < 1 || stem[1] !== 3 || stem[2] !== 7 || stem[3] !== 7) {
    throw new CheckpointError(
      "wrong_shape",
      source,
      `wrong shape: ${prefix}DownBlock.1.weight is ${formatShape(stem)}, expected [ngf, 3, 7, 7]`,
    );
  }
  let nBlocks = 0;
  while (shapes.has(`DownBlock.${12 + nBlocks}.conv_block.1.weight`)) nBlocks++;
  const c = 4 * ngf;
  const fc = requireShape(shapes, "FC.0.weight", source, prefix);
  const fcIn = fc[1] ?? 0;
  const side = Math.round(Math.sqrt(fcIn / c));
  if (fc.length !== 2 || fc[0] !== c || side < 1 || side * side * c !== fcIn) {
    throw new CheckpointError(
      "wrong_shape",
      source,
      `wrong shape: ${prefix}FC.0.weight is ${formatShape(fc)}, expected [${c}, ${c}] (light) or [${c}, (imgSize/4)²·${c}] (full) for ngf ${ngf}`,
    );
  }
  const shape = side === 1 ? { light: true, imgSize: null } : { light: false, imgSize: 4 * side };
  if (!shapes.has("CAM_logit.weight")) return { ngf, nBlocks, ...shape };
  return { ngf, nBlocks, ...shape, tfVersion: shapes.has("CAM_logit.dense.weight") ? "legacy" : "head" };
}

export function requireShape(
  shapes: Map<string, number[]>,
  key: string,
  source: string,
  prefix: string,
): number[] {
  const shape = shapes.get(key);
  if (!shape) throw new CheckpointError("missing_key", source, `missing key: ${prefix}${key}`);
  return shape;
}

/** ndf from `model.1.weight_orig`, nLayers from the number of convs in `model`. */
export function inferDiscriminatorConfig(
  shapes: Map<string, number[]>,
  source = "state_dict",
  prefix = "",
): DiscriminatorConfig {
  const first = requireShape(shapes, "model.1.weight_orig", source, prefix);
  const [ndf = 0] = first;
  if (first.length !== 4 || ndf < 1 || first[1] !== 3 || first[2] !== 4 || first[3] !== 4) {
    throw new CheckpointError(
      "wrong_shape",
      source,
      `wrong shape: ${prefix}model.1.weight_orig is ${formatShape(first)}, expected [ndf, 3, 4, 4]`,
    );
  }
  let convs = 1;
  while (shapes.has(`model.${3 * convs + 1}.weight_orig`)) convs++;
  return { ndf, nLayers: Math.max(convs + 1, 3) };
}
