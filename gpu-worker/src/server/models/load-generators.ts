/**
 * @module A model source's generators, each read once and made ready to serve: a translator on the worker's
 * backend and, for a light model, the ONNX bytes clients download.
 */
import { DIRECTIONS, type Direction } from "@ugatit/contracts/directions";
import type { ModelDomains } from "@ugatit/contracts/domains";
import { Framing } from "@ugatit/contracts/protocol";
import type { GeneratorConfig, TfVersion } from "@ugatit/model/architecture";
import {
  CheckpointError,
  type LoadedGenerator,
  openWeightFile,
  readGenerator,
} from "@ugatit/model/checkpoints";
import { exportGeneratorToOnnx } from "@ugatit/model/onnx";
import type { BackendName } from "../../runtime/backends.ts";
import { translatorFromOnnx, translatorFromWeights } from "../../runtime/create-translator.ts";
import { resolveInputSize } from "../../runtime/input-size.ts";
import { isOnnxFile, onnxModelFromBytes, readOnnxFile } from "../../runtime/onnx/onnx-file.ts";
import type { Precision, Translator } from "../../runtime/translator.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { downloadSource, sourceFileName, withLocalFile } from "./model-source.ts";
import type { ModelSpec } from "./model-spec.ts";

/** One generator of a model, ready to serve. */
export interface ServedGenerator {
  direction: Direction;
  config: GeneratorConfig;
  parameters: number;
  untrained: boolean;
  /** What A and B are, in words, as the source names them; null when it names none. */
  domains: ModelDomains | null;
  translator: Translator;
  /** A light generator as ONNX (dynamic H and W), for clients that run it themselves; none for a full one. */
  onnx: Uint8Array<ArrayBuffer> | undefined;
  /** The framing the model file declares (safetensors `__metadata__.framing`), `fit` when none. */
  framing: Framing;
}

/** The safetensors `__metadata__` key a model declares its default framing under (a selfie model: `face`). */
export const FRAMING_METADATA_KEY = "framing";

/** The framing a checkpoint's metadata declares; a value that is not one is refused, not ignored. */
export function declaredFraming(metadata: Record<string, string>, file: string): Framing {
  const value = metadata[FRAMING_METADATA_KEY];
  if (value === undefined) return "fit";
  const parsed = Framing.safeParse(value);
  if (!parsed.success)
    throw new Error(
      `${file}: __metadata__.${FRAMING_METADATA_KEY} "${value}" is not one of ${Framing.options.join(", ")}`,
    );
  return parsed.data;
}

export interface GeneratorLoadOptions {
  backend: BackendName;
  /** The input side of light models. */
  lightSize: number;
  storage: ObjectStore | undefined;
  precision: Precision;
  /** The TF code version of TF checkpoints, instead of the one read off each file. */
  tfVersion?: TfVersion | undefined;
}

/** The side images are resized to for this generator on this worker. */
export function servedSize(config: GeneratorConfig, lightSize: number): number {
  return resolveInputSize(config, config.light ? lightSize : undefined);
}

/**
 * Every generator a source holds: a checkpoint's (one for a bare state_dict, served as A2B), or the one
 * of an `.onnx` model exported by `ugatit convert` (the onnx backend only). The source is read once.
 */
export async function loadGenerators(
  spec: ModelSpec,
  options: GeneratorLoadOptions,
): Promise<ServedGenerator[]> {
  if (isOnnxFile(spec.source)) return [await loadOnnxGenerator(spec, options)];
  return withLocalFile(spec, options.storage, (path) => loadCheckpointGenerators(path, options));
}

async function loadOnnxGenerator(spec: ModelSpec, options: GeneratorLoadOptions): Promise<ServedGenerator> {
  const downloaded = await downloadSource(spec, options.storage);
  const file = sourceFileName(spec);
  const { bytes, info } = downloaded
    ? await onnxModelFromBytes(new Uint8Array(downloaded), file)
    : await readOnnxFile(spec.source);
  const size = servedSize(info.config, options.lightSize);
  return {
    direction: info.direction,
    config: info.config,
    parameters: info.parameters,
    untrained: info.untrained,
    domains: info.domains,
    translator: await translatorFromOnnx(bytes, info, size, options.backend, file),
    onnx: info.config.light ? bytes : undefined,
    framing: "fit",
  };
}

async function loadCheckpointGenerators(
  path: string,
  options: GeneratorLoadOptions,
): Promise<ServedGenerator[]> {
  const file = await openWeightFile(path);
  try {
    const served: ServedGenerator[] = [];
    for (const direction of DIRECTIONS) {
      const generator = await readGenerator(file, direction, { tfVersion: options.tfVersion }).catch(
        (error: unknown) => {
          if (error instanceof CheckpointError && error.code === "missing_direction") return undefined;
          throw error;
        },
      );
      if (!generator) continue;
      served.push(await serveWeights(generator, direction, declaredFraming(file.metadata, path), options));
      // a bare generator state_dict has no direction of its own: it is served as A2B
      if (generator.bare) break;
    }
    return served;
  } finally {
    await file.close();
  }
}

async function serveWeights(
  generator: LoadedGenerator,
  direction: Direction,
  framing: Framing,
  options: GeneratorLoadOptions,
): Promise<ServedGenerator> {
  const { config, weights, untrained, domains } = generator;
  // exported once: the onnx backend runs these bytes and the ONNX route hands out the same ones
  const onnx = config.light
    ? exportGeneratorToOnnx(config, weights, { direction, untrained, domains })
    : undefined;
  const size = servedSize(config, options.lightSize);
  return {
    direction,
    config,
    parameters: [...weights.values()].reduce((n, t) => n + t.data.length, 0),
    untrained,
    domains,
    translator: await translatorFromWeights(config, weights, direction, size, options.backend, {
      exported: onnx,
      precision: options.precision,
    }),
    onnx,
    framing,
  };
}
