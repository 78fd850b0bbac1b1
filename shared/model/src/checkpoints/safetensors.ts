/** @module safetensors: an 8-byte little-endian header length, a JSON header, then raw little-endian data. */
import { type ByteSource, readBytes } from "./byte-source.ts";
import { CheckpointError, fileLabel, formatShape, unsupportedDtype } from "./errors.ts";
import { readFloat32, type TensorDtype } from "./float32-read.ts";
import { float32ToFloat16 } from "./half.ts";
import { checkValueCount, elementCount, type TensorInfo, type WeightFile } from "./weight-file.ts";
import { writeAll, writeAtomically } from "./write-all.ts";

const DTYPES: Record<string, [TensorDtype | null, number]> = {
  F32: ["float32", 4],
  F16: ["float16", 2],
  BF16: ["bfloat16", 2],
  F64: ["float64", 8],
  I64: [null, 8],
  I32: [null, 4],
  I16: [null, 2],
  I8: [null, 1],
  U64: [null, 8],
  U32: [null, 4],
  U16: [null, 2],
  U8: [null, 1],
  BOOL: [null, 1],
  F8_E4M3: [null, 1],
  F8_E5M2: [null, 1],
};

/** A header bigger than this is not a safetensors header (the reference library uses the same bound). */
const MAX_HEADER = 100_000_000;
/** The largest header read: a few hundred bytes per tensor, so room for tens of thousands of tensors. */
const MAX_READ_HEADER = 16 << 20;

/** True when the first bytes look like a safetensors header: a sane length, then `{`. */
export function looksLikeSafetensors(head: Uint8Array): boolean {
  if (head.length < 9) return false;
  const length = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
  return length >= 2n && length <= BigInt(MAX_HEADER) && head[8] === 0x7b;
}

interface Entry {
  info: TensorInfo;
  begin: number;
  end: number;
}

/** Tensors share no bytes (as the reference library requires), so no read returns another's data. */
function checkNoOverlap(entries: Map<string, Entry>, corrupt: (detail: string) => CheckpointError): void {
  const sorted = [...entries.values()].sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    const [before, after] = [sorted[i - 1]!, sorted[i]!];
    if (after.begin < before.end) throw corrupt(`${before.info.name} and ${after.info.name} overlap`);
  }
}

export async function openSafetensors(
  source: ByteSource,
  file: string,
  close: () => Promise<void>,
): Promise<WeightFile> {
  const corrupt = (detail: string) => new CheckpointError("corrupt", file, `corrupt safetensors: ${detail}`);
  const headerLength = Number(new DataView((await readBytes(source, 0, 8)).buffer).getBigUint64(0, true));
  const base = 8 + headerLength;
  if (headerLength > MAX_READ_HEADER) {
    throw corrupt(`the header is ${headerLength} bytes, over the ${MAX_READ_HEADER}-byte limit`);
  }
  if (base > source.size) {
    throw new CheckpointError(
      "truncated",
      file,
      `truncated: safetensors header needs ${headerLength} bytes at offset 8, file ends at ${source.size}`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(await readBytes(source, 8, headerLength)));
  } catch {
    throw corrupt("the header is not valid JSON");
  }
  if (!isRecord(header)) throw corrupt("the header is not a JSON object");
  const metadata: Record<string, string> = Object.create(null);
  const entries = new Map<string, Entry>();
  for (const [name, value] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (!isRecord(value) || !Object.values(value).every((v) => typeof v === "string")) {
        throw corrupt("__metadata__ is not a map of strings");
      }
      Object.assign(metadata, value);
      continue;
    }
    if (
      !isRecord(value) ||
      typeof value.dtype !== "string" ||
      !isCounts(value.shape) ||
      !isCounts(value.data_offsets) ||
      value.data_offsets.length !== 2
    ) {
      throw corrupt(`bad header entry for ${name}`);
    }
    const { dtype, shape } = value;
    const [begin, end] = value.data_offsets as [number, number];
    const [readable, size] = Object.hasOwn(DTYPES, dtype) ? DTYPES[dtype]! : [null, null];
    if (end < begin || (size !== null && end - begin !== elementCount(shape) * size)) {
      throw corrupt(`${name} ${formatShape(shape)} ${dtype} does not fit data_offsets [${begin}, ${end}]`);
    }
    if (base + end > source.size) {
      throw new CheckpointError(
        "truncated",
        file,
        `truncated: ${name} needs ${end - begin} bytes at offset ${base + begin}, file ends at ${source.size}`,
      );
    }
    entries.set(name, {
      info: { name, shape, dtype: readable ?? "unsupported", storedAs: dtype },
      begin: base + begin,
      end: base + end,
    });
  }
  checkNoOverlap(entries, corrupt);
  return {
    format: "safetensors",
    file,
    tensors: new Map([...entries].map(([name, entry]) => [name, entry.info])),
    metadata,
    async read(name) {
      const entry = entries.get(name);
      if (!entry) throw new CheckpointError("missing_key", file, `missing key: no tensor named ${name}`);
      const { dtype, shape, storedAs } = entry.info;
      if (dtype === "unsupported") throw unsupportedDtype(file, name, storedAs);
      return readFloat32(source, entry.begin, elementCount(shape), dtype);
    },
    close,
  };
}

/** A tensor to write; `data` may be a loader so that big files are written one tensor at a time. */
export interface SafetensorsTensor {
  shape: number[];
  data: Float32Array | (() => Promise<Float32Array>);
}

export interface WriteSafetensorsOptions {
  /** Store float16 (round to nearest even) instead of float32. */
  fp16?: boolean;
}

/**
 * Writes tensors (in map order) and string metadata as safetensors, atomically (temp file + rename).
 *
 * @example
 * await writeSafetensors("g.safetensors", new Map([["genA2B.FC.0.weight", { shape: [32, 32], data }]]), { ugatit: "{…}" }, { fp16: true });
 */
export async function writeSafetensors(
  path: string,
  tensors: Map<string, SafetensorsTensor>,
  metadata: Record<string, string> = {},
  options: WriteSafetensorsOptions = {},
): Promise<void> {
  const [dtype, size] = options.fp16 ? ["F16", 2] : ["F32", 4];
  const header: Record<string, unknown> = Object.keys(metadata).length > 0 ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const [name, { shape }] of tensors) {
    const bytes = elementCount(shape) * size;
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  const headerBytes = new TextEncoder().encode(json + " ".repeat((8 - (Buffer.byteLength(json) % 8)) % 8));
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(headerBytes.length), true);

  await writeAtomically(path, async (fh) => {
    await writeAll(fh, prefix);
    await writeAll(fh, headerBytes);
    for (const [name, tensor] of tensors) {
      const data = typeof tensor.data === "function" ? await tensor.data() : tensor.data;
      checkValueCount(fileLabel(path), name, tensor.shape, data);
      const stored = options.fp16 ? float32ToFloat16(data) : data;
      await writeAll(fh, new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength));
    }
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCounts(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v) && v >= 0);
}
