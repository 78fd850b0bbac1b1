/** @module The official Discriminator's state_dict: its keys and shapes, and the config they imply. */
import type { DiscriminatorConfig } from "../model/config.ts";
import { CheckpointError, formatShape } from "./errors.ts";
import { requireShape } from "./generator-spec.ts";

export type { DiscriminatorConfig } from "../model/config.ts";

/** The spectral-normalised parameters of one module: the raw weight and the power-iteration vectors. */
function spectralNorm(shapes: Map<string, number[]>, module: string, weight: number[]): void {
  const [out = 0, ...rest] = weight;
  shapes.set(`${module}.weight_orig`, weight);
  shapes.set(`${module}.weight_u`, [out]);
  shapes.set(`${module}.weight_v`, [rest.reduce((n, d) => n * d, 1)]);
}

/**
 * Every key of the official discriminator's state_dict with its shape (4·nLayers + 7 keys: 35 for
 * the global nLayers 7, 27 for the local 5).
 *
 * @example discriminatorParamShapes({ ndf: 64, nLayers: 5 }).get("conv1x1.weight") // [512, 1024, 1, 1]
 */
export function discriminatorParamShapes({ ndf, nLayers }: DiscriminatorConfig): Map<string, number[]> {
  if (nLayers < 3) throw new RangeError(`a discriminator has at least 3 layers (got ${nLayers})`);
  const shapes = new Map<string, number[]>();
  // model: n_layers - 1 convs 4×4, each doubling the channels (the first maps RGB to ndf).
  for (let i = 0; i < nLayers - 1; i++) {
    const module = `model.${3 * i + 1}`;
    const out = ndf * 2 ** i;
    spectralNorm(shapes, module, [out, i === 0 ? 3 : out / 2, 4, 4]);
    shapes.set(`${module}.bias`, [out]);
  }
  const c = ndf * 2 ** (nLayers - 2);
  spectralNorm(shapes, "gap_fc", [1, c]);
  spectralNorm(shapes, "gmp_fc", [1, c]);
  shapes.set("conv1x1.weight", [c, 2 * c, 1, 1]);
  shapes.set("conv1x1.bias", [c]);
  spectralNorm(shapes, "conv", [1, c, 4, 4]);
  return shapes;
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
