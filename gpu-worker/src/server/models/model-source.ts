/** @module Where a model's file is read from: a local path, or an `s3://` URI read through the worker's storage. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { ObjectStore } from "../storage/object-store.ts";
import { type ModelSpec, parseS3Uri } from "./model-spec.ts";

/** Checkpoints may be large; a model file in storage is read whole, up to this. */
const MAX_MODEL_BYTES = 4 * 1024 ** 3;

/** The file name messages show for a source: the path's, or the object key's last segment. */
export function sourceFileName(spec: ModelSpec): string {
  const s3 = parseS3Uri(spec.source);
  return s3 ? (s3.key.split("/").at(-1) ?? "model") : basename(spec.source);
}

/** An `s3://` source's bytes, downloaded once; undefined for a local path. */
export async function downloadSource(
  spec: ModelSpec,
  storage: ObjectStore | undefined,
): Promise<Uint8Array | undefined> {
  const s3 = parseS3Uri(spec.source);
  if (!s3) return undefined;
  if (!storage) throw new Error(`${spec.source}: no storage configured to read it from`);
  return storage.get(s3.key, MAX_MODEL_BYTES, undefined, s3.bucket);
}

/** Runs `use` on a local path of the source: the path itself, or an `s3://` object downloaded to a temporary file. */
export async function withLocalFile<T>(
  spec: ModelSpec,
  storage: ObjectStore | undefined,
  use: (path: string) => Promise<T>,
): Promise<T> {
  const bytes = await downloadSource(spec, storage);
  if (!bytes) return use(spec.source);
  const scratch = await mkdtemp(join(tmpdir(), "ugatit-model-"));
  try {
    const path = join(scratch, sourceFileName(spec));
    await writeFile(path, bytes);
    return await use(path);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
