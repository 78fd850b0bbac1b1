/** @module Converting a PyTorch checkpoint's generators to the project's safetensors format. */
import { DIRECTIONS, type Direction } from "@ugatit/contracts/directions";
import { type GeneratorConfig, imageProcessingFor } from "../architecture/config.ts";
import { describeGenerator, generatorParamShapes } from "../architecture/generator-spec.ts";
import { CheckpointError } from "./errors.ts";
import { type LoadGeneratorOptions, type ResolvedGenerator, resolveGenerator } from "./load.ts";
import { OFFICIAL_NETWORKS } from "./network.ts";
import { openWeightFile } from "./open.ts";
import { type SafetensorsTensor, writeSafetensors } from "./safetensors.ts";
import { hasTfGenerator, looksLikeTfUgatit } from "./tf-generator.ts";
import { modelDomains, UGATIT_METADATA_KEY, type UgatitMetadata } from "./ugatit-metadata.ts";
import type { WeightFile } from "./weight-file.ts";

export interface ConvertOptions extends LoadGeneratorOptions {
  /** Defaults to the generators the checkpoint has; a bare state_dict needs exactly one, named here. */
  directions?: Direction[];
  /** Store float16 instead of float32 (half the size). */
  fp16?: boolean;
  /** More `__metadata__` entries, written beside `ugatit` (the worker reads `framing`). */
  metadata?: Record<string, string>;
}

export interface ConvertResult {
  config: GeneratorConfig;
  directions: Direction[];
  source: WeightFile["format"];
}

/**
 * Writes the generators of a checkpoint (PyTorch zip or legacy, or safetensors) as safetensors named
 * `genA2B.<key>`, with the config (and the source's domain names) in `__metadata__.ugatit`. Tensors are
 * streamed one at a time.
 *
 * @example await convertCheckpoint("100000.pt", "selfie2anime.safetensors", { fp16: true });
 */
export async function convertCheckpoint(
  input: string,
  output: string,
  options: ConvertOptions = {},
): Promise<ConvertResult> {
  const file = await openWeightFile(input);
  try {
    const directions = options.directions ?? directionsIn(file);
    const generators: ResolvedGenerator[] = [];
    for (const direction of directions) generators.push(await resolveGenerator(file, direction, options));
    const config = sameConfig(file, directions, generators);
    const tensors = new Map<string, SafetensorsTensor>();
    for (const [i, direction] of directions.entries()) {
      const { read } = generators[i]!;
      for (const [key, shape] of generatorParamShapes(config)) {
        tensors.set(`gen${direction}.${key}`, { shape, data: () => read(key) });
      }
    }
    const domains = modelDomains(file);
    const metadata: UgatitMetadata = {
      ngf: config.ngf,
      n_blocks: config.nBlocks,
      light: config.light,
      img_size: config.imgSize,
      directions,
      ...(domains ? { domains } : {}),
      tf_version: config.tfVersion ?? null,
      image_processing: imageProcessingFor(config),
    };
    await writeSafetensors(
      output,
      tensors,
      { ...options.metadata, [UGATIT_METADATA_KEY]: JSON.stringify(metadata) },
      options,
    );
    return { config, directions, source: file.format };
  } finally {
    await file.close();
  }
}

function directionsIn(file: WeightFile): Direction[] {
  if (looksLikeTfUgatit(file)) {
    const present = DIRECTIONS.filter((d) => hasTfGenerator(file, d));
    if (present.length > 0) return present;
    throw new CheckpointError(
      "missing_direction",
      file.file,
      "missing direction: the TF checkpoint has no generator_A or generator_B",
    );
  }
  const names = [...file.tensors.keys()];
  const present = DIRECTIONS.filter((d) => names.some((n) => n.startsWith(`gen${d}.`)));
  if (present.length > 0) return present;
  if (OFFICIAL_NETWORKS.some((net) => names.some((n) => n.startsWith(`${net}.`)))) {
    throw new CheckpointError(
      "missing_direction",
      file.file,
      "missing direction: the checkpoint has no generator",
    );
  }
  throw new CheckpointError(
    "missing_direction",
    file.file,
    "missing direction: a bare generator state_dict has no direction; name it in options.directions",
  );
}

function sameConfig(
  file: WeightFile,
  directions: Direction[],
  generators: ResolvedGenerator[],
): GeneratorConfig {
  const [first, ...rest] = generators;
  if (!first)
    throw new CheckpointError("missing_direction", file.file, "missing direction: no direction requested");
  if (first.bare && directions.length > 1) {
    throw new CheckpointError(
      "missing_direction",
      file.file,
      `missing direction: a bare generator state_dict is one generator, not ${directions.join(" and ")}`,
    );
  }
  for (const [i, other] of rest.entries()) {
    if (describeGenerator(other.config) !== describeGenerator(first.config)) {
      throw new CheckpointError(
        "wrong_shape",
        file.file,
        `wrong shape: gen${directions[i + 1]} is ${describeGenerator(other.config)} but gen${directions[0]} is ${describeGenerator(first.config)}`,
      );
    }
  }
  return first.config;
}
