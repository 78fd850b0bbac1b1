/** @module Loading one generator or discriminator from any supported weight file, validated. */
import type { Direction } from "@ugatit/contracts/directions";
import type { ModelDomains } from "@ugatit/contracts/domains";
import type { DiscriminatorConfig, GeneratorConfig } from "../architecture/config.ts";
import { discriminatorParamShapes } from "../architecture/discriminator-spec.ts";
import { describeGenerator, generatorParamShapes } from "../architecture/generator-spec.ts";
import type { TorchWeights } from "../architecture/params.ts";
import { inferDiscriminatorConfig, inferGeneratorConfig } from "./infer-config.ts";
import { checkNetwork, findNetwork, readNetwork, shapesUnder } from "./network.ts";
import { openWeightFile } from "./open.ts";
import { modelDomains } from "./ugatit-metadata.ts";
import type { WeightFile } from "./weight-file.ts";

export type DiscriminatorName = "disGA" | "disGB" | "disLA" | "disLB";

export interface LoadedGenerator {
  config: GeneratorConfig;
  /** Bare PyTorch names (`DownBlock.1.weight`), PyTorch layouts. */
  weights: TorchWeights;
  source: WeightFile["format"];
  /** From a bare state_dict, which has no direction of its own: any direction gives it. */
  bare: boolean;
  /** The file says it was never trained (development safetensors carry `untrained: true`). */
  untrained: boolean;
  /** What A and B are, in words, as the file's metadata names them; null when it names none. */
  domains: ModelDomains | null;
}

export interface LoadedDiscriminator {
  config: DiscriminatorConfig;
  weights: TorchWeights;
  source: WeightFile["format"];
}

/** A generator found in a file and checked against the spec of the config its shapes imply. */
export interface ResolvedGenerator {
  prefix: string;
  /** A bare state_dict: it has no direction of its own. */
  bare: boolean;
  config: GeneratorConfig;
}

export function resolveGenerator(file: WeightFile, direction: Direction): ResolvedGenerator {
  const { prefix, bare } = findNetwork(file, `gen${direction}`, {
    what: "generator",
    marker: "DownBlock.1.weight",
    otherMarker: "model.1.weight_orig",
    missingCode: "missing_direction",
  });
  const config = inferGeneratorConfig(shapesUnder(file, prefix), file.file, prefix);
  checkNetwork(file, prefix, generatorParamShapes(config), describeGenerator(config));
  return { prefix, bare, config };
}

/**
 * Loads one generator of an official checkpoint (zip or legacy), a bare generator state_dict (any
 * direction then gives it) or one of our safetensors files, reading only that generator's tensors.
 *
 * @example
 * const { config, weights } = await loadGenerator("selfie2anime.pt", "A2B");
 * const generator = Generator.fromTorch(config, weights);
 */
export async function loadGenerator(path: string, direction: Direction): Promise<LoadedGenerator> {
  const file = await openWeightFile(path);
  try {
    return await readGenerator(file, direction);
  } finally {
    await file.close();
  }
}

/**
 * {@link loadGenerator} on a file already open, so one open serves both directions and the file's metadata.
 *
 * @example
 * const file = await openWeightFile("light64.pt");
 * try { for (const d of DIRECTIONS) generators.push(await readGenerator(file, d)) } finally { await file.close() }
 */
export async function readGenerator(file: WeightFile, direction: Direction): Promise<LoadedGenerator> {
  const { prefix, bare, config } = resolveGenerator(file, direction);
  return {
    config,
    weights: await readNetwork(file, prefix, generatorParamShapes(config)),
    source: file.format,
    bare,
    untrained: file.metadata.untrained === "true",
    domains: modelDomains(file),
  };
}

/** Loads one discriminator (with its spectral-norm `weight_orig`, `weight_u`, `weight_v`), validated. */
export async function loadDiscriminator(path: string, name: DiscriminatorName): Promise<LoadedDiscriminator> {
  const file = await openWeightFile(path);
  try {
    const { prefix } = findNetwork(file, name, {
      what: "discriminator",
      marker: "model.1.weight_orig",
      otherMarker: "DownBlock.1.weight",
      missingCode: "missing_network",
    });
    const config = inferDiscriminatorConfig(shapesUnder(file, prefix), file.file, prefix);
    const expected = discriminatorParamShapes(config);
    checkNetwork(file, prefix, expected, `ndf ${config.ndf}, ${config.nLayers} layers`);
    return { config, weights: await readNetwork(file, prefix, expected), source: file.format };
  } finally {
    await file.close();
  }
}
