/** @module The protobuf messages of a tensor bundle's index: BundleHeaderProto and BundleEntryProto. */
import { ProtoFormatError, protoFields } from "../../onnx/protobuf.ts";
import { CheckpointError } from "../errors.ts";

export interface BundleHeader {
  numShards: number;
  bigEndian: boolean;
}

export interface BundleEntry {
  dtype: number;
  shape: number[];
  shardId: number;
  offset: number;
  size: number;
  /** Masked, as stored. */
  crc32c: number;
  /** Partitioned variables list their slices; their data lives under other keys. */
  sliced: boolean;
}

const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** `file` and `key` name the entry in errors. */
export function decodeHeader(bytes: Uint8Array, file: string): BundleHeader {
  const header = { numShards: 0, bigEndian: false };
  parse(file, "the bundle header", () => {
    for (const f of protoFields(bytes)) {
      if (f.field === 1 && f.wire === 0) header.numShards = int(f.value);
      else if (f.field === 2 && f.wire === 0) header.bigEndian = f.value === 1n;
    }
  });
  return header;
}

export function decodeEntry(bytes: Uint8Array, file: string, key: string): BundleEntry {
  const entry: BundleEntry = {
    dtype: 0,
    shape: [],
    shardId: 0,
    offset: 0,
    size: 0,
    crc32c: 0,
    sliced: false,
  };
  parse(file, `the entry of ${key}`, () => {
    for (const f of protoFields(bytes)) {
      const payload = () => bytes.subarray(f.offset, f.offset + f.length);
      if (f.field === 1 && f.wire === 0) entry.dtype = int(f.value);
      else if (f.field === 2 && f.wire === LENGTH_DELIMITED) entry.shape = decodeShape(payload());
      else if (f.field === 3 && f.wire === 0) entry.shardId = int(f.value);
      else if (f.field === 4 && f.wire === 0) entry.offset = int(f.value);
      else if (f.field === 5 && f.wire === 0) entry.size = int(f.value);
      else if (f.field === 6 && f.wire === FIXED32)
        entry.crc32c = new DataView(bytes.buffer, bytes.byteOffset + f.offset, 4).getUint32(0, true);
      else if (f.field === 7) entry.sliced = true;
    }
  });
  return entry;
}

/** TensorShapeProto: repeated `dim` (field 2) of `{ size = 1 }`; an unknown rank cannot be stored data. */
function decodeShape(bytes: Uint8Array): number[] {
  const shape: number[] = [];
  for (const f of protoFields(bytes)) {
    if (f.field === 3 && f.wire === 0 && f.value !== 0n)
      throw new ProtoFormatError("the shape has unknown rank");
    if (f.field !== 2 || f.wire !== LENGTH_DELIMITED) continue;
    let size = 0;
    for (const d of protoFields(bytes, f.offset, f.offset + f.length)) {
      if (d.field === 1 && d.wire === 0) size = int(BigInt.asIntN(64, d.value));
    }
    if (size < 0) throw new ProtoFormatError(`a dimension is ${size}`);
    shape.push(size);
  }
  return shape;
}

function int(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ProtoFormatError(`the value ${value} is out of range`);
  }
  return Number(value);
}

function parse(file: string, what: string, body: () => void): void {
  try {
    body();
  } catch (error) {
    if (!(error instanceof ProtoFormatError)) throw error;
    throw new CheckpointError(
      "corrupt",
      file,
      `corrupt index: ${what} is not a valid protobuf (${error.message})`,
    );
  }
}
