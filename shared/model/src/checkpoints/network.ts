/** @module Finding one network's tensors in a weight file and checking them against its spec. */
import type { TorchWeights } from "../architecture/params.ts";
import { CheckpointError, formatShape, someNames, unsupportedDtype } from "./errors.ts";
import type { WeightFile } from "./weight-file.ts";

/** The networks of an official checkpoint, `torch.save({'genA2B': …, …})`. */
export const OFFICIAL_NETWORKS = ["genA2B", "genB2A", "disGA", "disGB", "disLA", "disLB"] as const;

export interface NetworkKind {
  what: "generator" | "discriminator";
  /** A key every state_dict of this kind has, and no other kind has. */
  marker: string;
  /** The other kind's marker, to tell "a discriminator, not a generator" apart from "not a network". */
  otherMarker: string;
  missingCode: "missing_direction" | "missing_network";
}

/**
 * Where the network's keys are: under `name.` in an official checkpoint or one of our safetensors,
 * or at the top level (`prefix` "") in a bare state_dict, which then serves any direction.
 */
export function findNetwork(
  file: WeightFile,
  name: string,
  kind: NetworkKind,
): { prefix: string; bare: boolean } {
  const names = [...file.tensors.keys()];
  const has = (key: string) => file.tensors.has(key);
  if (has(`${name}.${kind.marker}`)) return { prefix: `${name}.`, bare: false };
  if (has(kind.marker)) return { prefix: "", bare: true };
  const present = OFFICIAL_NETWORKS.filter((net) => names.some((n) => n.startsWith(`${net}.`)));
  if (present.includes(name as (typeof OFFICIAL_NETWORKS)[number])) {
    throw new CheckpointError("missing_key", file.file, `missing key: ${name}.${kind.marker}`);
  }
  if (present.length > 0) {
    const label = kind.missingCode === "missing_direction" ? "missing direction" : "missing network";
    throw new CheckpointError(
      kind.missingCode,
      file.file,
      `${label}: no ${name} in this checkpoint (it has ${present.join(", ")})`,
    );
  }
  const code = kind.what === "generator" ? "not_a_generator" : "not_a_discriminator";
  const other = kind.what === "generator" ? "discriminator" : "generator";
  if (file.format === "tf-bundle") {
    const why =
      kind.what === "generator"
        ? `a TensorFlow checkpoint that is not U-GAT-IT (no generator_A/ or generator_B/ variables; it has ${someNames(names)})`
        : "discriminators are read from PyTorch checkpoints and safetensors, not TensorFlow checkpoints";
    throw new CheckpointError(code, file.file, `not a ${kind.what}: ${why}`);
  }
  if (has(kind.otherMarker) || names.some((n) => n.endsWith(`.${kind.otherMarker}`))) {
    throw new CheckpointError(
      code,
      file.file,
      `this is a ${other} state_dict (keys ${someNames(names)}), not a ${kind.what}`,
    );
  }
  throw new CheckpointError(
    code,
    file.file,
    `not a ${kind.what}: no ${kind.marker} among its keys (${someNames(names)})`,
  );
}

/** The shapes of the tensors under `prefix`, by bare name. */
export function shapesUnder(file: WeightFile, prefix: string): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const [name, info] of file.tensors)
    if (name.startsWith(prefix)) shapes.set(name.slice(prefix.length), info.shape);
  return shapes;
}

/** Every expected key present, with its shape and a readable dtype, and nothing else under `prefix`. */
export function checkNetwork(
  file: WeightFile,
  prefix: string,
  expected: Map<string, number[]>,
  config: string,
): void {
  const actual = shapesUnder(file, prefix);
  const fail = (
    code: "missing_key" | "wrong_shape" | "unexpected_key",
    keys: string[],
    detail: (key: string) => string,
  ) => {
    const more = keys.length > 1 ? ` (and ${keys.length - 1} more)` : "";
    throw new CheckpointError(code, file.file, `${detail(keys[0]!)}${more}`);
  };
  const missing = [...expected.keys()].filter((key) => !actual.has(key));
  if (missing.length > 0) {
    fail(
      "missing_key",
      missing,
      (key) => `missing key: ${prefix}${key} ${formatShape(expected.get(key)!)} for ${config}`,
    );
  }
  const wrong = [...expected].filter(([key, shape]) => formatShape(actual.get(key)!) !== formatShape(shape));
  if (wrong.length > 0) {
    fail(
      "wrong_shape",
      wrong.map(([key]) => key),
      (key) =>
        `wrong shape: ${prefix}${key} is ${formatShape(actual.get(key)!)}, expected ${formatShape(expected.get(key)!)} for ${config}`,
    );
  }
  const unexpected = [...actual.keys()].filter((key) => !expected.has(key));
  if (unexpected.length > 0)
    fail("unexpected_key", unexpected, (key) => `unexpected key: ${prefix}${key} for ${config}`);
  for (const key of expected.keys()) {
    const info = file.tensors.get(prefix + key)!;
    if (info.dtype === "unsupported") throw unsupportedDtype(file.file, prefix + key, info.storedAs);
  }
}

/** Reads the expected tensors, one at a time, into a state_dict with bare PyTorch names. */
export async function readNetwork(
  file: WeightFile,
  prefix: string,
  expected: Map<string, number[]>,
): Promise<TorchWeights> {
  const data = await readTensors(
    file,
    [...expected.keys()].map((key) => prefix + key),
  );
  const weights: TorchWeights = new Map();
  for (const [key, shape] of expected) weights.set(key, { shape, data: data.get(prefix + key)! });
  return weights;
}

/**
 * Reads `names`, one at a time, in the order the file lists its tensors: a TensorFlow checkpoint lists
 * them in data order, which a deflated zip member can only be read in without inflating it again.
 */
export async function readTensors(
  file: WeightFile,
  names: Iterable<string>,
): Promise<Map<string, Float32Array>> {
  const wanted = new Set(names);
  const data = new Map<string, Float32Array>();
  for (const name of file.tensors.keys()) if (wanted.delete(name)) data.set(name, await file.read(name));
  // Names the file does not list reach read() too, which says what is missing.
  for (const name of wanted) data.set(name, await file.read(name));
  return data;
}
