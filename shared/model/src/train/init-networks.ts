import type { GeneratorConfig } from "../architecture/config.ts";
import { discriminatorParamShapes } from "../architecture/discriminator-spec.ts";
import { generatorParamShapes } from "../architecture/generator-spec.ts";
import { initialWeights } from "../architecture/init.ts";
import type { TorchWeights } from "../architecture/params.ts";
import {
  DISCRIMINATORS,
  discriminatorConfig,
  GENERATORS,
  type NetworkName,
  type NetworkWeights,
} from "./networks.ts";

/** Every network's state_dict keys and shapes, in the official order. */
export function networkShapes(config: GeneratorConfig): Map<NetworkName, Map<string, number[]>> {
  const shapes = new Map<NetworkName, Map<string, number[]>>();
  for (const n of GENERATORS) shapes.set(n, generatorParamShapes(config));
  for (const n of DISCRIMINATORS) shapes.set(n, discriminatorParamShapes(discriminatorConfig(n, config.ngf)));
  return shapes;
}

/** Spectral norm starts u and v as normalised random vectors; initialWeights draws them uniform. */
function normalizePowerIterationState(weights: TorchWeights): void {
  for (const [name, t] of weights) {
    if (!/\.weight_[uv]$/.test(name)) continue;
    const norm = Math.hypot(...t.data);
    t.data.forEach((v, i) => {
      t.data[i] = v / Math.max(norm, 1e-12);
    });
  }
}

/** A fresh run's six networks with PyTorch's default initialisation, reproducible from `seed`. */
export function initialNetworkWeights(config: GeneratorConfig, seed: number): NetworkWeights {
  const out: NetworkWeights = new Map();
  let i = 0;
  for (const [name, shapes] of networkShapes(config)) {
    const weights = initialWeights(shapes, seed * 16 + i++);
    normalizePowerIterationState(weights);
    out.set(name, weights);
  }
  return out;
}
