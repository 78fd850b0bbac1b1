/**
 * @module PyTorch < 1.6 checkpoints: five pickles (magic number, protocol, sys_info, the object,
 * the storage keys), then each storage as an int64 element count and its raw little-endian data.
 */
import { type ByteSource, readBytes } from "./byte-source.ts";
import { CheckpointError } from "./errors.ts";
import { collectTensors, type StorageRef, storageKey, unpickleTorch } from "./torch-pickle.ts";
import { torchWeightFile } from "./torch-tensors.ts";
import { PICKLE_LIMITS, PickleError, unpickle } from "./unpickler.ts";
import type { WeightFile } from "./weight-file.ts";

const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;
/** The pickles are small; start with this much of the file and grow only if they do not fit. */
const FIRST_READ = 1 << 20;

interface Pickles {
  root: unknown;
  keys: unknown;
  storages: Map<string, StorageRef>;
  /** Where the first storage's header starts. */
  dataStart: number;
}

export async function openTorchLegacy(
  source: ByteSource,
  file: string,
  close: () => Promise<void>,
): Promise<WeightFile> {
  const { root, keys, storages, dataStart } = await readPickles(source, file);
  const tensors = collectTensors(root, file);
  const offsets = await scanStorages(source, file, keys, storages, dataStart);
  return torchWeightFile({
    format: "torch-legacy",
    file,
    tensors,
    async locate(storage) {
      return { source, offset: offsets.get(storage.key)!, bytes: storage.numel * storage.type.elementSize! };
    },
    close,
  });
}

async function readPickles(source: ByteSource, file: string): Promise<Pickles> {
  const limit = Math.min(source.size, PICKLE_LIMITS.maxBytes);
  for (let length = Math.min(limit, FIRST_READ); ; length = Math.min(limit, length * 4)) {
    const head = await readBytes(source, 0, length);
    try {
      return parsePickles(head, file);
    } catch (error) {
      if (!(error instanceof PickleError)) throw error;
      if (!error.truncated)
        throw new CheckpointError("corrupt", file, `corrupt checkpoint: ${error.message}`);
      if (length === source.size) {
        throw new CheckpointError(
          "truncated",
          file,
          `truncated: the pickles end early (${error.message}); file ends at ${source.size}`,
        );
      }
      if (length === limit) {
        throw new CheckpointError(
          "corrupt",
          file,
          `corrupt checkpoint: the pickles do not end within ${PICKLE_LIMITS.maxBytes} bytes, the limit`,
        );
      }
    }
  }
}

function parsePickles(head: Uint8Array, file: string): Pickles {
  const notTorch = (detail: string) =>
    new CheckpointError("not_a_checkpoint", file, `not a checkpoint: a pickle, but ${detail}`);
  let magic: { value: unknown; end: number };
  try {
    magic = unpickle(head, 0);
  } catch (error) {
    if (error instanceof PickleError) throw notTorch(`not one torch wrote (${error.message})`);
    throw error;
  }
  if (magic.value !== MAGIC_NUMBER) throw notTorch("without the PyTorch magic number");
  const protocol = unpickle(head, magic.end);
  if (protocol.value !== PROTOCOL_VERSION) throw notTorch(`with PyTorch protocol ${String(protocol.value)}`);
  const sysInfo = unpickle(head, protocol.end);
  if (sysInfo.value instanceof Map && sysInfo.value.get("little_endian") === false) {
    throw new CheckpointError("unsupported_dtype", file, "unsupported dtype: the storages are big-endian");
  }
  const storages = new Map<string, StorageRef>();
  const main = unpickleTorch(head, sysInfo.end, file, storages);
  const keys = unpickle(head, main.end);
  return { root: main.value, keys: keys.value, storages, dataStart: keys.end };
}

/** Walks the storage headers in file order, checking each against the pickle; only headers are read. */
async function scanStorages(
  source: ByteSource,
  file: string,
  keys: unknown,
  storages: Map<string, StorageRef>,
  dataStart: number,
): Promise<Map<string, number>> {
  const corrupt = (detail: string) => new CheckpointError("corrupt", file, `corrupt checkpoint: ${detail}`);
  if (!Array.isArray(keys)) throw corrupt("the storage key list is not a list");
  const offsets = new Map<string, number>();
  let at = dataStart;
  for (const rawKey of keys) {
    const key = storageKey(rawKey);
    if (key === null) throw corrupt("the storage key list holds something not a key");
    const storage = storages.get(key);
    if (!storage) throw corrupt(`storage ${key} is listed but never used`);
    const { elementSize, name } = storage.type;
    if (elementSize === null) {
      throw new CheckpointError(
        "unsupported_dtype",
        file,
        `unsupported dtype: storage ${key} is a torch.${name}, whose element size is unknown`,
      );
    }
    if (at + 8 > source.size) {
      throw new CheckpointError(
        "truncated",
        file,
        `truncated: storage ${key} header needs 8 bytes at offset ${at}, file ends at ${source.size}`,
      );
    }
    const header = await readBytes(source, at, 8);
    const count = new DataView(header.buffer).getBigUint64(0, true);
    if (count !== BigInt(storage.numel)) {
      throw corrupt(
        `storage ${key} at offset ${at} holds ${count} elements, the pickle says ${storage.numel}`,
      );
    }
    const bytes = storage.numel * elementSize;
    const data = at + 8;
    if (data + bytes > source.size) {
      throw new CheckpointError(
        "truncated",
        file,
        `truncated: storage ${key} needs ${bytes} bytes at offset ${data}, file ends at ${source.size}`,
      );
    }
    offsets.set(key, data);
    at = data + bytes;
  }
  for (const key of storages.keys())
    if (!offsets.has(key)) throw corrupt(`storage ${key} is used but not stored`);
  return offsets;
}
