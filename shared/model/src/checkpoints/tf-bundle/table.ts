/**
 * @module The table format TensorFlow's `.index` files use (LevelDB's): data blocks of prefix-compressed
 * keys with restart points, a metaindex and an index block, each with a type byte and a masked CRC-32C,
 * and a 48-byte footer ending in the table magic.
 */
import { CheckpointError } from "../errors.ts";
import { crc32c, unmaskCrc } from "./crc32c.ts";

export const FOOTER_SIZE = 48;
/** `0xdb4775248b80fb57`, little-endian, as the footer's last eight bytes hold it. */
const MAGIC_LOW = 0x8b80fb57;
const MAGIC_HIGH = 0xdb477524;
/** Type byte and masked CRC-32C after every block. */
const TRAILER_SIZE = 5;
const NO_COMPRESSION = 0;

export interface TableEntry {
  key: Uint8Array;
  value: Uint8Array;
}

interface BlockHandle {
  offset: number;
  size: number;
}

/** True when `bytes` ends like a table: the footer's magic number. */
export function hasTableMagic(bytes: Uint8Array): boolean {
  if (bytes.length < FOOTER_SIZE) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 8);
  return view.getUint32(0, true) === MAGIC_LOW && view.getUint32(4, true) === MAGIC_HIGH;
}

/**
 * Every entry of the table in key order, each block's checksum and restart points checked and the keys
 * checked to be strictly increasing. `file` names the table in errors.
 */
export function readTable(bytes: Uint8Array, file: string): TableEntry[] {
  const corrupt = (detail: string) => new CheckpointError("corrupt", file, `corrupt index: ${detail}`);
  if (!hasTableMagic(bytes)) {
    throw new CheckpointError(
      "not_a_checkpoint",
      file,
      "not a checkpoint: no TensorFlow table footer (magic 0xdb4775248b80fb57) at the end",
    );
  }
  const footer = bytes.subarray(bytes.length - FOOTER_SIZE);
  const cursor = { at: 0 };
  const metaindex = readHandle(footer, cursor, corrupt);
  const index = readHandle(footer, cursor, corrupt);
  readBlock(bytes, metaindex, "metaindex block", file);
  const entries: TableEntry[] = [];
  for (const separator of blockEntries(
    readBlock(bytes, index, "index block", file),
    "index block",
    corrupt,
  )) {
    const handle = readHandle(separator.value, { at: 0 }, corrupt);
    const where = `data block at offset ${handle.offset}`;
    for (const entry of blockEntries(readBlock(bytes, handle, where, file), where, corrupt)) {
      const previous = entries.at(-1);
      if (previous && compareBytes(previous.key, entry.key) >= 0)
        throw corrupt(`keys out of order in ${where}`);
      if (compareBytes(entry.key, separator.key) > 0)
        throw corrupt(`a key in ${where} is past its index key`);
      entries.push(entry);
    }
  }
  return entries;
}

/** A block's contents, after checking its trailer: type byte (uncompressed only) and masked CRC-32C. */
function readBlock(bytes: Uint8Array, handle: BlockHandle, what: string, file: string): Uint8Array {
  const end = handle.offset + handle.size + TRAILER_SIZE;
  if (end > bytes.length - FOOTER_SIZE) {
    throw new CheckpointError(
      "truncated",
      file,
      `truncated: the ${what} needs ${handle.size + TRAILER_SIZE} bytes at offset ${handle.offset}, the table's blocks end at ${bytes.length - FOOTER_SIZE}`,
    );
  }
  const trailer = handle.offset + handle.size;
  const stored = new DataView(bytes.buffer, bytes.byteOffset + trailer + 1, 4).getUint32(0, true);
  const actual = crc32c(bytes.subarray(handle.offset, trailer + 1));
  if (unmaskCrc(stored) !== actual) {
    throw new CheckpointError(
      "checksum_mismatch",
      file,
      `checksum mismatch: the ${what} stores CRC-32C ${hex(unmaskCrc(stored))}, its bytes give ${hex(actual)}`,
    );
  }
  if (bytes[trailer] !== NO_COMPRESSION) {
    throw new CheckpointError(
      "compressed",
      file,
      `compressed: the ${what} uses compression type ${bytes[trailer]}; TensorFlow writes checkpoints uncompressed`,
    );
  }
  return bytes.subarray(handle.offset, trailer);
}

/** The entries of one block: `shared`, `non_shared`, `value_length` varints, the key's tail, the value. */
function* blockEntries(
  block: Uint8Array,
  what: string,
  corrupt: (detail: string) => CheckpointError,
): Generator<TableEntry> {
  if (block.length < 4)
    throw corrupt(`the ${what} is ${block.length} bytes, too short for its restart count`);
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const restarts = view.getUint32(block.length - 4, true);
  if (restarts === 0 || restarts > (block.length - 4) / 4)
    throw corrupt(`the ${what} has ${restarts} restarts`);
  const limit = block.length - 4 - 4 * restarts;
  const restartOffsets = new Set<number>();
  for (let i = 0; i < restarts; i++) restartOffsets.add(view.getUint32(limit + 4 * i, true));
  let key = new Uint8Array(0);
  const cursor = { at: 0 };
  while (cursor.at < limit) {
    const start = cursor.at;
    const shared = readVarint32(block, cursor, limit, corrupt);
    const unshared = readVarint32(block, cursor, limit, corrupt);
    const valueLength = readVarint32(block, cursor, limit, corrupt);
    if (restartOffsets.delete(start) && shared !== 0)
      throw corrupt(`restart point ${start} in the ${what} shares a key prefix`);
    if (shared > key.length || cursor.at + unshared + valueLength > limit) {
      throw corrupt(`entry at offset ${start} of the ${what} overruns it`);
    }
    const next = new Uint8Array(shared + unshared);
    next.set(key.subarray(0, shared));
    next.set(block.subarray(cursor.at, cursor.at + unshared), shared);
    key = next;
    cursor.at += unshared;
    yield { key, value: block.subarray(cursor.at, cursor.at + valueLength) };
    cursor.at += valueLength;
  }
  if (restartOffsets.size > 0) throw corrupt(`the ${what} has restart points that are not entry starts`);
}

function readHandle(
  bytes: Uint8Array,
  cursor: { at: number },
  corrupt: (detail: string) => CheckpointError,
): BlockHandle {
  return { offset: readVarint64(bytes, cursor, corrupt), size: readVarint64(bytes, cursor, corrupt) };
}

function readVarint32(
  bytes: Uint8Array,
  cursor: { at: number },
  limit: number,
  corrupt: (detail: string) => CheckpointError,
): number {
  const value = readVarint64(bytes.subarray(0, limit), cursor, corrupt);
  if (value > 0xffffffff) throw corrupt(`a 32-bit varint at offset ${cursor.at} is ${value}`);
  return value;
}

/** A varint as a JS number; block handles and sizes fit well within 2^53. */
function readVarint64(
  bytes: Uint8Array,
  cursor: { at: number },
  corrupt: (detail: string) => CheckpointError,
): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (cursor.at >= bytes.length) throw corrupt(`a varint runs past the end at offset ${cursor.at}`);
    const byte = bytes[cursor.at++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      if (!Number.isSafeInteger(value)) throw corrupt(`a varint is too large (${value})`);
      return value;
    }
    scale *= 128;
  }
  throw corrupt(`a varint is longer than ten bytes at offset ${cursor.at}`);
}

/** Bytewise comparison, as TensorFlow's tables order keys. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, "0")}`;
}
