/**
 * @module A TensorFlow V2 checkpoint (tensor bundle): the `.index` table lists every tensor; each
 * tensor's bytes are read from its data shard only when asked for, and checked against their CRC-32C.
 */
import type { ByteSource } from "../byte-source.ts";
import { CheckpointError, formatShape, unsupportedDtype } from "../errors.ts";
import { bfloat16ToFloat32, float16ToFloat32 } from "../half.ts";
import { elementCount, type TensorInfo, type WeightFile } from "../weight-file.ts";
import { type BundleEntry, decodeEntry, decodeHeader } from "./bundle-proto.ts";
import { crc32c, unmaskCrc } from "./crc32c.ts";
import { tfDtype } from "./dtypes.ts";
import { hex, readTable } from "./table.ts";

/** Where a bundle's files are: its index bytes, and its data shards opened on demand. */
export interface BundleFiles {
  /** The index file's name as messages show it. */
  indexLabel: string;
  index: Uint8Array;
  /** The data file's name as messages show it: `<prefix>.data-00000-of-00001`. */
  shardLabel(shard: number, shards: number): string;
  /** Opens a data shard; null when it does not exist. */
  openShard(shard: number, shards: number): Promise<ByteSource | null>;
  close(): Promise<void>;
}

/** Partition slices are stored under keys that start with a NUL byte (TensorFlow's encoded slice names). */
const SLICE_KEY_START = 0;
/** Checked and converted in slices so memory follows the tensor read, not a second copy of it. */
const SLICE_BYTES = 1 << 24;

/**
 * Lists a bundle from its index alone; `read(name)` opens the tensor's shard, reads its bytes and checks
 * their CRC-32C. Tensors are listed in data order (shard, then offset), the order that reads them fastest.
 *
 * @example
 * const file = await openTfBundle(files);
 * const kernel = await file.read("generator_B/conv/conv2d/kernel");
 */
export async function openTfBundle(files: BundleFiles): Promise<WeightFile> {
  const file = files.indexLabel;
  const decoder = new TextDecoder("utf-8", { fatal: false });
  const table = readTable(files.index, file);
  const first = table[0];
  const header = first?.key.length === 0 ? decodeHeader(first.value, file) : null;
  // A V1 checkpoint is a table too, its "" key a SavedTensorSlices message: it has no shard count.
  if (!header || header.numShards < 1) {
    throw new CheckpointError(
      "not_a_checkpoint",
      file,
      "not a checkpoint: a TensorFlow table without a bundle header (a V1 checkpoint or another table), not a TF V2 checkpoint",
    );
  }
  if (header.bigEndian) {
    throw new CheckpointError("unsupported_dtype", file, "unsupported dtype: the tensor data is big-endian");
  }
  const entries = new Map<string, BundleEntry>();
  for (const { key, value } of table.slice(1)) {
    if (key[0] === SLICE_KEY_START) continue;
    const name = decoder.decode(key);
    entries.set(name, checkEntry(decodeEntry(value, file, name), name, header.numShards, file));
  }
  const ordered = [...entries].sort(([, a], [, b]) => a.shardId - b.shardId || a.offset - b.offset);
  const tensors = new Map<string, TensorInfo>(
    ordered.map(([name, entry]) => {
      const dtype = tfDtype(entry.dtype);
      return [
        name,
        { name, shape: entry.shape, dtype: dtype.readable ?? "unsupported", storedAs: dtype.name },
      ];
    }),
  );
  const shards = new Map<number, Promise<ByteSource | null>>();
  const openShard = (shard: number) => {
    if (!shards.has(shard)) shards.set(shard, files.openShard(shard, header.numShards));
    return shards.get(shard)!;
  };

  return {
    format: "tf-bundle",
    file,
    tensors,
    metadata: {},
    async read(name) {
      const entry = entries.get(name);
      if (!entry) throw new CheckpointError("missing_key", file, `missing key: no tensor named ${name}`);
      if (entry.sliced) {
        throw new CheckpointError(
          "sliced_variable",
          file,
          `sliced variable: ${name} is saved as partitions; only whole (unpartitioned) variables can be read`,
        );
      }
      const dtype = tfDtype(entry.dtype);
      if (!dtype.readable) throw unsupportedDtype(file, name, dtype.name);
      const dataLabel = files.shardLabel(entry.shardId, header.numShards);
      const source = await openShard(entry.shardId);
      if (!source) {
        throw new CheckpointError(
          "missing_shard",
          dataLabel,
          `missing shard: ${dataLabel} (holding ${name}) is not next to ${file}`,
        );
      }
      if (entry.offset + entry.size > source.size) {
        throw new CheckpointError(
          "truncated",
          dataLabel,
          `truncated: ${name} needs ${entry.size} bytes at offset ${entry.offset}, the file ends at ${source.size}`,
        );
      }
      return readChecked(source, entry, dtype.readable, name, dataLabel);
    },
    close: files.close,
  };
}

/** The entry's size must be its shape's bytes, and its shard one the header announces. */
function checkEntry(entry: BundleEntry, name: string, shards: number, file: string): BundleEntry {
  if (entry.sliced) return entry;
  const { size } = tfDtype(entry.dtype);
  if (size !== null && entry.size !== elementCount(entry.shape) * size) {
    throw new CheckpointError(
      "corrupt",
      file,
      `corrupt index: ${name} ${formatShape(entry.shape)} ${tfDtype(entry.dtype).name} should be ${elementCount(entry.shape) * size} bytes, the entry says ${entry.size}`,
    );
  }
  if (entry.shardId < 0 || entry.shardId >= shards) {
    throw new CheckpointError(
      "corrupt",
      file,
      `corrupt index: ${name} is in shard ${entry.shardId} of ${shards}`,
    );
  }
  return entry;
}

/** Reads the tensor in slices: each is added to the CRC-32C and converted into the float32 result. */
async function readChecked(
  source: ByteSource,
  entry: BundleEntry,
  dtype: "float32" | "float16" | "bfloat16" | "float64",
  name: string,
  dataLabel: string,
): Promise<Float32Array> {
  const out = new Float32Array(elementCount(entry.shape));
  const outBytes = new Uint8Array(out.buffer);
  const scratch = new ArrayBuffer(dtype === "float32" ? 0 : Math.min(entry.size, SLICE_BYTES));
  let crc = 0;
  for (let done = 0; done < entry.size; ) {
    const length = Math.min(SLICE_BYTES, entry.size - done);
    const bytes =
      dtype === "float32" ? outBytes.subarray(done, done + length) : new Uint8Array(scratch, 0, length);
    await source.readInto(bytes, entry.offset + done);
    crc = crc32c(bytes, crc);
    if (dtype !== "float32") convert(scratch, length, dtype, out, done);
    done += length;
  }
  if (crc !== unmaskCrc(entry.crc32c)) {
    throw new CheckpointError(
      "checksum_mismatch",
      dataLabel,
      `checksum mismatch: ${name} stores CRC-32C ${hex(unmaskCrc(entry.crc32c))}, its ${entry.size} bytes give ${hex(crc)}`,
    );
  }
  return out;
}

function convert(
  scratch: ArrayBuffer,
  length: number,
  dtype: "float16" | "bfloat16" | "float64",
  out: Float32Array<ArrayBuffer>,
  byteStart: number,
): void {
  if (dtype === "float64") {
    out.set(new Float64Array(scratch, 0, length / 8), byteStart / 8);
    return;
  }
  const target = out.subarray(byteStart / 2, (byteStart + length) / 2);
  if (dtype === "float16") float16ToFloat32(new Uint16Array(scratch, 0, length / 2), target);
  else bfloat16ToFloat32(new Uint16Array(scratch, 0, length / 2), target);
}
