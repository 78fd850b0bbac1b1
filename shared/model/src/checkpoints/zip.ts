/** @module The zip central directory, read with positioned reads (zip64 aware); entries stored or deflated. */
import { inflateRawSync } from "node:zlib";
import { type ByteSource, memorySource, readBytes } from "./byte-source.ts";
import { CheckpointError } from "./errors.ts";
import { inflatingSource, windowSource } from "./inflate-source.ts";

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate; anything else is refused when the entry is read. */
  method: number;
  encrypted: boolean;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const CENTRAL_ENTRY_SIZE = 46;
const LOCAL_HEADER_SIZE = 30;
/** Deflate cannot expand more than 1032:1; an entry declaring more lies about its size. */
const MAX_DEFLATE_RATIO = 1032;

/** Reads the central directory: every entry by name, in archive order. */
export async function readZipDirectory(source: ByteSource, file: string): Promise<Map<string, ZipEntry>> {
  const corrupt = (detail: string) => new CheckpointError("corrupt", file, `corrupt zip: ${detail}`);
  const tailLength = Math.min(source.size, EOCD_SIZE + MAX_COMMENT);
  const tailStart = source.size - tailLength;
  const tail = view(await readBytes(source, tailStart, tailLength));
  let eocd = -1;
  for (let i = tailLength - EOCD_SIZE; i >= 0; i--) {
    if (tail.getUint32(i, true) === EOCD && i + EOCD_SIZE + tail.getUint16(i + 20, true) === tailLength) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new CheckpointError(
      "truncated",
      file,
      `truncated: zip end-of-central-directory record not found (file ends at ${source.size})`,
    );
  }
  let count = tail.getUint16(eocd + 10, true);
  let directorySize = tail.getUint32(eocd + 12, true);
  let directoryOffset = tail.getUint32(eocd + 16, true);
  const locator = eocd - 20;
  if (locator >= 0 && tail.getUint32(locator, true) === ZIP64_LOCATOR) {
    const recordOffset = u64(tail, locator + 8, file);
    if (recordOffset + 56 > tailStart + locator) throw corrupt(`zip64 record at offset ${recordOffset}`);
    const record = view(await readBytes(source, recordOffset, 56));
    if (record.getUint32(0, true) !== ZIP64_EOCD) throw corrupt(`no zip64 record at offset ${recordOffset}`);
    count = u64(record, 32, file);
    directorySize = u64(record, 40, file);
    directoryOffset = u64(record, 48, file);
  }
  const directoryEnd = directoryOffset + directorySize;
  if (directoryEnd > source.size) {
    throw new CheckpointError(
      "truncated",
      file,
      `truncated: zip central directory needs ${directorySize} bytes at offset ${directoryOffset}, file ends at ${source.size}`,
    );
  }
  if (count * CENTRAL_ENTRY_SIZE > directorySize) {
    throw corrupt(`${count} entries cannot fit a ${directorySize}-byte central directory`);
  }
  const directory = view(await readBytes(source, directoryOffset, directorySize));
  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder();
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_ENTRY_SIZE > directorySize || directory.getUint32(at, true) !== CENTRAL_ENTRY) {
      throw corrupt(`central directory entry ${i} at offset ${directoryOffset + at}`);
    }
    const nameLength = directory.getUint16(at + 28, true);
    const extraLength = directory.getUint16(at + 30, true);
    const commentLength = directory.getUint16(at + 32, true);
    const next = at + 46 + nameLength + extraLength + commentLength;
    if (next > directorySize) throw corrupt(`central directory entry ${i} overruns the directory`);
    const name = decoder.decode(new Uint8Array(directory.buffer, directory.byteOffset + at + 46, nameLength));
    const entry: ZipEntry = {
      name,
      method: directory.getUint16(at + 10, true),
      encrypted: (directory.getUint16(at + 8, true) & 1) === 1,
      compressedSize: directory.getUint32(at + 20, true),
      size: directory.getUint32(at + 24, true),
      localHeaderOffset: directory.getUint32(at + 42, true),
    };
    readZip64Extra(
      entry,
      new DataView(directory.buffer, directory.byteOffset + at + 46 + nameLength, extraLength),
      file,
    );
    checkDeclaredSizes(entry, source.size, file);
    entries.set(name, entry);
    at = next;
  }
  return entries;
}

/** Sizes the directory declares must be possible in this file, so nothing is read or inflated on their word. */
function checkDeclaredSizes(entry: ZipEntry, fileSize: number, file: string): void {
  const corrupt = (detail: string) =>
    new CheckpointError("corrupt", file, `corrupt zip: ${entry.name} ${detail}`);
  if (entry.localHeaderOffset + LOCAL_HEADER_SIZE + entry.compressedSize > fileSize) {
    throw new CheckpointError(
      "truncated",
      file,
      `truncated: zip entry ${entry.name} needs ${entry.compressedSize} bytes after offset ${entry.localHeaderOffset}, file ends at ${fileSize}`,
    );
  }
  if (entry.method === 0 && entry.size !== entry.compressedSize) {
    throw corrupt(`is stored, but declares ${entry.size} bytes in ${entry.compressedSize}`);
  }
  if (entry.method === 8 && entry.size > entry.compressedSize * MAX_DEFLATE_RATIO + 1024) {
    throw corrupt(
      `declares ${entry.size} bytes from ${entry.compressedSize} compressed, more than deflate expands`,
    );
  }
}

/** Sizes and offsets that overflow 32 bits are 0xffffffff, with the real values in extra field 0x0001. */
function readZip64Extra(entry: ZipEntry, extra: DataView, file: string): void {
  for (let at = 0; at + 4 <= extra.byteLength; ) {
    const id = extra.getUint16(at, true);
    const length = extra.getUint16(at + 2, true);
    if (id === 0x0001) {
      let field = at + 4;
      const take = (): number => {
        if (field + 8 > at + 4 + length || field + 8 > extra.byteLength) {
          throw new CheckpointError("corrupt", file, `corrupt zip: short zip64 field for ${entry.name}`);
        }
        const value = u64(extra, field, file);
        field += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = take();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = take();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = take();
      return;
    }
    at += 4 + length;
  }
}

/** Where an entry's bytes start: after its local header, whose extra field may differ from the central one. */
export async function entryDataOffset(source: ByteSource, entry: ZipEntry, file: string): Promise<number> {
  const header = view(await readBytes(source, entry.localHeaderOffset, LOCAL_HEADER_SIZE));
  if (header.getUint32(0, true) !== LOCAL_HEADER) {
    throw new CheckpointError(
      "corrupt",
      file,
      `corrupt zip: no local header for ${entry.name} at offset ${entry.localHeaderOffset}`,
    );
  }
  return (
    entry.localHeaderOffset + LOCAL_HEADER_SIZE + header.getUint16(26, true) + header.getUint16(28, true)
  );
}

/**
 * A source for an entry's uncompressed bytes and where they start in it: the archive itself for a
 * stored entry (read in place), the inflated bytes for a deflated one.
 */
export async function openEntry(
  source: ByteSource,
  entry: ZipEntry,
  file: string,
): Promise<{ source: ByteSource; offset: number }> {
  checkMethod(entry, file);
  const offset = await entryDataOffset(source, entry, file);
  checkFits(source, entry, offset, file);
  if (entry.method === 0) return { source, offset };
  let inflated: Uint8Array;
  try {
    // Capped at the declared size: an entry that inflates to more stops there, not at the end of the bomb.
    inflated = inflateRawSync(await readBytes(source, offset, entry.compressedSize), {
      maxOutputLength: Math.max(1, entry.size),
    });
  } catch (cause) {
    const why =
      (cause as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE"
        ? `inflates to more than the ${entry.size} bytes it declares`
        : "cannot be inflated";
    throw new CheckpointError("corrupt", file, `corrupt zip: ${entry.name} ${why}`, { cause });
  }
  if (inflated.length !== entry.size) {
    throw new CheckpointError(
      "corrupt",
      file,
      `corrupt zip: ${entry.name} inflates to ${inflated.length} bytes, expected ${entry.size}`,
    );
  }
  return { source: memorySource(inflated, file), offset: 0 };
}

/**
 * An entry's uncompressed bytes as a source read on demand: a stored entry in place, a deflated one
 * inflated as it is read (forward; see {@link inflatingSource}), so a multi-GB entry never sits in memory.
 */
export async function entrySource(source: ByteSource, entry: ZipEntry, file: string): Promise<ByteSource> {
  checkMethod(entry, file);
  const offset = await entryDataOffset(source, entry, file);
  checkFits(source, entry, offset, file);
  return entry.method === 0
    ? windowSource(source, offset, entry.size, file)
    : inflatingSource(source, offset, entry.compressedSize, entry.size, file);
}

/** Reads a whole entry into memory (for small entries such as data.pkl); one over `maxBytes` is refused unread. */
export async function readEntry(
  source: ByteSource,
  entry: ZipEntry,
  file: string,
  maxBytes: number,
): Promise<Uint8Array> {
  if (entry.size > maxBytes) {
    throw new CheckpointError(
      "corrupt",
      file,
      `corrupt zip: ${entry.name} declares ${entry.size} bytes, over the ${maxBytes}-byte limit for it`,
    );
  }
  const opened = await openEntry(source, entry, file);
  return readBytes(opened.source, opened.offset, entry.size);
}

function checkMethod(entry: ZipEntry, file: string): void {
  if (entry.encrypted || (entry.method !== 0 && entry.method !== 8)) {
    const how = entry.encrypted ? "is encrypted" : `uses compression method ${entry.method}`;
    throw new CheckpointError(
      "compressed",
      file,
      `compressed: zip entry ${entry.name} ${how}; only stored and deflated entries can be read`,
    );
  }
}

function checkFits(source: ByteSource, entry: ZipEntry, offset: number, file: string): void {
  if (offset + entry.compressedSize > source.size) {
    throw new CheckpointError(
      "truncated",
      file,
      `truncated: zip entry ${entry.name} needs ${entry.compressedSize} bytes at offset ${offset}, file ends at ${source.size}`,
    );
  }
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function u64(data: DataView, at: number, file: string): number {
  const value = data.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new CheckpointError("corrupt", file, `corrupt zip: 64-bit field ${value} is out of range`);
  }
  return Number(value);
}
