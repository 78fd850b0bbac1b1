/** @module The six networks of a training run from and to files: official checkpoints in, PyTorch zip out. */
import type { GeneratorConfig } from "@ugatit/model/architecture";
import { loadDiscriminator, loadGenerator } from "@ugatit/model/checkpoints";
import { DISCRIMINATORS, discriminatorConfig, type NetworkWeights } from "@ugatit/model/train";

/** All six networks of an official checkpoint (zip or legacy), validated; the generators' config. */
export async function loadNetworks(
  path: string,
): Promise<{ config: GeneratorConfig; weights: NetworkWeights }> {
  const weights: NetworkWeights = new Map();
  const a2b = await loadGenerator(path, "A2B");
  weights.set("genA2B", a2b.weights);
  weights.set("genB2A", (await loadGenerator(path, "B2A")).weights);
  for (const n of DISCRIMINATORS) {
    const d = await loadDiscriminator(path, n);
    const expected = discriminatorConfig(n, a2b.config.ngf);
    if (d.config.ndf !== expected.ndf || d.config.nLayers !== expected.nLayers) {
      throw new Error(
        `${n} has ndf ${d.config.ndf} and ${d.config.nLayers} layers; training expects ndf ${expected.ndf} (the generators' ngf) and ${expected.nLayers}`,
      );
    }
    weights.set(n, d.weights);
  }
  return { config: a2b.config, weights };
}
