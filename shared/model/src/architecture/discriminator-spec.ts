/** @module The official Discriminator's state_dict: its keys and shapes (the names `discriminator.ts` reads). */
import type { DiscriminatorConfig } from "./config.ts";

export type { DiscriminatorConfig } from "./config.ts";

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
