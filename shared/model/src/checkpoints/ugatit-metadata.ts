/**
 * @module What the project's model files say about themselves in `__metadata__.ugatit`: the generator
 * config, the directions they hold and, when known, what their two domains are.
 */
import type { Direction } from "@ugatit/contracts/directions";
import { ModelDomains } from "@ugatit/contracts/domains";
import type { ImageProcessing } from "@ugatit/contracts/image";
import type { TfVersion } from "../architecture/config.ts";
import { CheckpointError } from "./errors.ts";
import type { WeightFile } from "./weight-file.ts";

/** The `__metadata__` key holding the generator config as JSON. */
export const UGATIT_METADATA_KEY = "ugatit";

/** What `__metadata__.ugatit` holds (snake_case, as the official code names these options). */
export interface UgatitMetadata {
  ngf: number;
  n_blocks: number;
  light: boolean;
  img_size: number | null;
  directions: Direction[];
  /** What A and B are, in words; left out when the model names none. */
  domains?: ModelDomains;
  /** The official TF code's version the weights come from; absent (or null) for the PyTorch code. */
  tf_version?: TfVersion | null;
  /** How images become inputs and outputs become pixels: the official PyTorch test path or TF's. */
  image_processing?: ImageProcessing;
}

/**
 * The model's domains as its metadata names them; null when it names none (PyTorch checkpoints, files
 * converted before domains existed). Names that are there but malformed are an error, not silently lost.
 *
 * @example
 * modelDomains(await openWeightFile("models/demo/emoji-light.safetensors")); // { A: "colour emoji", B: "line-art emoji" }
 */
export function modelDomains(file: WeightFile): ModelDomains | null {
  const raw = file.metadata[UGATIT_METADATA_KEY];
  if (raw === undefined) return null;
  let domains: unknown;
  try {
    domains = (JSON.parse(raw) as { domains?: unknown }).domains;
  } catch {
    throw new CheckpointError(
      "corrupt",
      file.file,
      `corrupt: __metadata__.${UGATIT_METADATA_KEY} is not JSON`,
    );
  }
  if (domains === undefined || domains === null) return null;
  const parsed = ModelDomains.safeParse(domains);
  if (!parsed.success) {
    throw new CheckpointError(
      "corrupt",
      file.file,
      `corrupt: __metadata__.${UGATIT_METADATA_KEY}.domains is not { "A": name, "B": name } (1–60 characters each)`,
    );
  }
  return parsed.data;
}
