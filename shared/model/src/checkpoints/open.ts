import { open } from "node:fs/promises";
import { fileSource, readBytes } from "./byte-source.ts";
import { CheckpointError, fileLabel } from "./errors.ts";
import { looksLikeSafetensors, openSafetensors } from "./safetensors.ts";
import { openBundleAtPrefix, openZippedBundle, tfPrefixOf, zipHoldsBundle } from "./tf-bundle/locate.ts";
import { hasTableMagic } from "./tf-bundle/table.ts";
import { openTorchLegacy } from "./torch-legacy.ts";
import { openTorchZip } from "./torch-zip.ts";
import type { WeightFile } from "./weight-file.ts";
import { readZipDirectory } from "./zip.ts";

const OPEN_ERRORS: Record<string, string> = {
  ENOENT: "the file does not exist (ENOENT)",
  EACCES: "permission denied (EACCES)",
  EISDIR: "it is a folder, not a file (EISDIR)",
};

/**
 * Opens a PyTorch checkpoint (zip or legacy stream), a safetensors file or a TensorFlow V2 checkpoint
 * (its prefix, `.index`, folder, or a zip holding it) and lists its tensors; no tensor data is read
 * until `read(name)`. Close it when done.
 *
 * @example
 * const file = await openWeightFile("light64.pt");
 * try { const w = await file.read("genA2B.FC.0.weight") } finally { await file.close() }
 */
export async function openWeightFile(path: string): Promise<WeightFile> {
  const file = fileLabel(path);
  const prefix = await tfPrefixOf(path);
  if (prefix !== null) {
    const bundle = await openBundleAtPrefix(prefix).catch((error: unknown) => {
      throw asCheckpointError(error, file);
    });
    return guarded(bundle);
  }
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, "r");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = OPEN_ERRORS[code ?? ""] ?? `cannot open it (${code ?? String(cause)})`;
    throw new CheckpointError("unreadable", file, `unreadable: ${why}`, { cause });
  }
  const close = () => fh.close();
  try {
    const stats = await fh.stat();
    const { size } = stats;
    if (!stats.isFile()) throw new CheckpointError("unreadable", file, "unreadable: not a regular file");
    if (size === 0)
      throw new CheckpointError("not_a_checkpoint", file, "not a checkpoint: the file is empty");
    const source = fileSource(fh, size, file);
    const head = await readBytes(source, 0, Math.min(size, 16));
    if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5)) {
      const entries = await readZipDirectory(source, file);
      if (zipHoldsBundle(entries)) return guarded(await openZippedBundle(source, entries, file, close));
      return guarded(await openTorchZip(source, entries, file, close));
    }
    // safetensors first: a header length whose low byte is 0x80 would pass for a pickle's opcode
    if (looksLikeSafetensors(head)) return guarded(await openSafetensors(source, file, close));
    if (head[0] === 0x80) return guarded(await openTorchLegacy(source, file, close));
    if (hasTableMagic(await readBytes(source, Math.max(0, size - 48), Math.min(size, 48)))) {
      await close();
      return guarded(await openBundleAtPrefix(path, path));
    }
    const hex = [...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new CheckpointError(
      "not_a_checkpoint",
      file,
      `not a checkpoint: starts with ${hex}, not a zip archive, a pickle, safetensors or a TensorFlow checkpoint`,
    );
  } catch (error) {
    await fh.close().catch(() => undefined);
    throw asCheckpointError(error, file);
  }
}

/** Whatever a read throws reaches the caller as a CheckpointError. */
function guarded(weights: WeightFile): WeightFile {
  return {
    ...weights,
    read: (name) =>
      weights.read(name).catch((error: unknown) => Promise.reject(asCheckpointError(error, weights.file))),
  };
}

/** Anything but a CheckpointError is a structure this reader did not anticipate: say so, on one line. */
function asCheckpointError(error: unknown, file: string): CheckpointError {
  if (error instanceof CheckpointError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new CheckpointError("corrupt", file, `corrupt checkpoint: ${detail}`, { cause: error });
}
