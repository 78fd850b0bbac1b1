/** @module PyTorch ≥ 1.6 checkpoints: a zip of `<prefix>/data.pkl` and one `<prefix>/data/<key>` entry per storage. */
import type { ByteSource } from "./byte-source.ts";
import { CheckpointError } from "./errors.ts";
import { collectTensors, type StorageRef, unpickleTorch } from "./torch-pickle.ts";
import { torchWeightFile } from "./torch-tensors.ts";
import { PICKLE_LIMITS, PickleError } from "./unpickler.ts";
import type { WeightFile } from "./weight-file.ts";
import { openEntry, readEntry, type ZipEntry } from "./zip.ts";

const PICKLE_ENTRY = /^[^/]+\/data\.pkl$/;

export async function openTorchZip(
  source: ByteSource,
  entries: Map<string, ZipEntry>,
  file: string,
  close: () => Promise<void>,
): Promise<WeightFile> {
  const pickle = [...entries.values()].find((entry) => PICKLE_ENTRY.test(entry.name));
  if (!pickle) {
    throw new CheckpointError(
      "not_a_checkpoint",
      file,
      "not a checkpoint: a zip archive without <name>/data.pkl, not a PyTorch checkpoint",
    );
  }
  const prefix = pickle.name.slice(0, -"data.pkl".length);
  const byteOrder = entries.get(`${prefix}byteorder`);
  if (byteOrder && new TextDecoder().decode(await readEntry(source, byteOrder, file, 16)).trim() === "big") {
    throw new CheckpointError("unsupported_dtype", file, "unsupported dtype: the storages are big-endian");
  }
  const storages = new Map<string, StorageRef>();
  let root: unknown;
  try {
    root = unpickleTorch(
      await readEntry(source, pickle, file, PICKLE_LIMITS.maxBytes),
      0,
      file,
      storages,
    ).value;
  } catch (error) {
    if (!(error instanceof PickleError)) throw error;
    throw new CheckpointError("corrupt", file, `corrupt checkpoint: ${pickle.name}: ${error.message}`);
  }
  const tensors = collectTensors(root, file);
  for (const storage of storages.values()) {
    const entry = entries.get(`${prefix}data/${storage.key}`);
    if (!entry) {
      throw new CheckpointError(
        "corrupt",
        file,
        `corrupt checkpoint: storage ${storage.key} has no entry ${prefix}data/${storage.key}`,
      );
    }
    const needed = storage.numel * (storage.type.elementSize ?? 0);
    if (entry.size < needed) {
      throw new CheckpointError(
        "corrupt",
        file,
        `corrupt checkpoint: storage ${storage.key} declares ${storage.numel} elements (${needed} bytes), its entry holds ${entry.size}`,
      );
    }
  }
  return torchWeightFile({
    format: "torch-zip",
    file,
    tensors,
    async locate(storage) {
      const entry = entries.get(`${prefix}data/${storage.key}`)!;
      const opened = await openEntry(source, entry, file);
      return { ...opened, bytes: entry.size };
    },
    close,
  });
}
