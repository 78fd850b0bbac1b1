/** @module Loading one generator or discriminator from any supported weight file, validated. */
import type { Direction } from "@ugatit/contracts/directions";
import type { ModelDomains } from "@ugatit/contracts/domains";
import type { DiscriminatorConfig, GeneratorConfig, TfVersion } from "../architecture/config.ts";
import { discriminatorParamShapes } from "../architecture/discriminator-spec.ts";
import { describeGenerator, generatorParamShapes } from "../architecture/generator-spec.ts";
import type { TorchWeights } from "../architecture/params.ts";
import { inferDiscriminatorConfig, inferGeneratorConfig } from "./infer-config.ts";
import { checkNetwork, findNetwork, readNetwork, shapesUnder } from "./network.ts";
import { openWeightFile } from "./open.ts";
import { looksLikeTfUgatit, resolveTfGenerator } from "./tf-generator.ts";
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

export interface LoadGeneratorOptions {
  /** For weights of the official TF code: its version, instead of the one read off the file. */
  tfVersion?: TfVersion | undefined;
}

/** A generator found in a file and checked against the spec of the config its shapes imply. */
export interface ResolvedGenerator {
  /** A bare state_dict: it has no direction of its own. */
  bare: boolean;
  config: GeneratorConfig;
  /** One parameter by its model name, in PyTorch's layout. */
  read(key: string): Promise<Float32Array>;
  /** Every parameter, read in the order the file stores them. */
  readAll(): Promise<TorchWeights>;
}

/**
 * The generator for `direction` in any supported file: a TF checkpoint's `generator_B`/`generator_A`
 * (mapped to the model's names and layouts), or a PyTorch or safetensors state_dict under `genA2B.`
 * (or bare).
 */
export async function resolveGenerator(
  file: WeightFile,
  direction: Direction,
  options: LoadGeneratorOptions = {},
): Promise<ResolvedGenerator> {
  if (looksLikeTfUgatit(file)) {
    const { config, read } = await resolveTfGenerator(file, direction, options.tfVersion);
    const readAll = async () => {
      const weights: TorchWeights = new Map();
      for (const [key, shape] of generatorParamShapes(config))
        weights.set(key, { shape, data: await read(key) });
      return weights;
    };
    return { bare: false, config, read, readAll };
  }
  const { prefix, bare } = findNetwork(file, `gen${direction}`, {
    what: "generator",
    marker: "DownBlock.1.weight",
    otherMarker: "model.1.weight_orig",
    missingCode: "missing_direction",
  });
  const inferred = inferGeneratorConfig(shapesUnder(file, prefix), file.file, prefix);
  const config = withTfVersion(inferred, options.tfVersion, file.file);
  checkNetwork(file, prefix, generatorParamShapes(config), describeGenerator(config));
  return {
    bare,
    config,
    read: (key) => file.read(prefix + key),
    readAll: () => readNetwork(file, prefix, generatorParamShapes(config)),
  };
}

/** A TF version asked for a state_dict: it must hold a TF generator (the version is checked by its keys). */
function withTfVersion(
  config: GeneratorConfig,
  tfVersion: TfVersion | undefined,
  file: string,
): GeneratorConfig {
  if (tfVersion === undefined) return config;
  if (config.tfVersion === undefined) {
    throw new RangeError(
      `${file}: a TF code version (${tfVersion}) was given, but this is a generator of the PyTorch code`,
    );
  }
  return { ...config, tfVersion };
}

/**
 * Loads one generator of an official checkpoint (PyTorch zip or legacy, or TensorFlow), a bare generator
 * state_dict (any direction then gives it) or one of our safetensors files, reading only that
 * generator's tensors. A TF generator comes with its code version in `config.tfVersion`.
 *
 * @example
 * const { config, weights } = await loadGenerator("selfie2anime.pt", "A2B");
 * const generator = Generator.fromTorch(config, weights);
 */
export async function loadGenerator(
  path: string,
  direction: Direction,
  options: LoadGeneratorOptions = {},
): Promise<LoadedGenerator> {
  const file = await openWeightFile(path);
  try {
    return await readGenerator(file, direction, options);
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
export async function readGenerator(
  file: WeightFile,
  direction: Direction,
  options: LoadGeneratorOptions = {},
): Promise<LoadedGenerator> {
  const { bare, config, readAll } = await resolveGenerator(file, direction, options);
  return {
    config,
    weights: await readAll(),
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
