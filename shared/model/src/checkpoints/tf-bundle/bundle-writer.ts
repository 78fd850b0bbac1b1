/**
 * @module A TensorFlow V2 checkpoint writer for tests: the `.index` table (restart interval 16, blocks
 * flushed at `blockSize`, one index entry per block, keyed by the shortest separator as TensorFlow's table
 * builder keys it) and the data shards, written as TensorFlow lays them out, so tests can make checkpoints
 * of any size and shape, sparse where their values are zeros.
 */
import { open } from "node:fs/promises";
import { ProtoMessage } from "../../onnx/protobuf.ts";
import { writeAll } from "../write-all.ts";
import { crc32c, maskCrc } from "./crc32c.ts";
import { shardSuffix } from "./locate.ts";

export interface BundleTensor {
  name: string;
  shape: number[];
  /** TensorFlow's DataType enum value; 1 (float32) by default. */
  dtype?: number;
  /**
   * The raw bytes; float32 values (a function of the element index, produced in slices); or "zeros",
   * left as a hole in the data file.
   */
  content: Uint8Array | ((index: number) => number) | "zeros";
  shard?: number;
  /** Saved as a partitioned variable (a `slices` entry whose data lies elsewhere). */
  sliced?: boolean;
  /** The BundleEntryProto to store instead of the right one (tests of damaged entries). */
  entry?: Uint8Array;
}

export interface BundleWriteOptions {
  shards?: number;
  /** TensorFlow uses 256 KiB; small values give multi-block indexes. */
  blockSize?: number;
  /** The BundleHeaderProto to store instead of the right one. */
  header?: Uint8Array;
}

const RESTART_INTERVAL = 16;
const SLICE_ELEMENTS = 1 << 20;
const ZERO_CHUNK = new Uint8Array(1 << 24);
const zeroCrcs = new Map<number, number>();

/** Writes `<prefix>.index` and `<prefix>.data-0000i-of-0000n`. */
export async function writeTfBundle(
  prefix: string,
  tensors: BundleTensor[],
  options: BundleWriteOptions = {},
): Promise<void> {
  const shards = options.shards ?? 1;
  const entries: [string, Uint8Array][] = [];
  for (let shard = 0; shard < shards; shard++) {
    const fh = await open(prefix + shardSuffix(shard, shards), "w");
    try {
      let offset = 0;
      for (const tensor of tensors.filter((t) => (t.shard ?? 0) === shard)) {
        const entry = new ProtoMessage().int(1, tensor.dtype ?? 1).message(2, shapeProto(tensor.shape));
        if (tensor.sliced) {
          entries.push([tensor.name, entry.message(7, new ProtoMessage()).encode()]);
          continue;
        }
        const { size, crc } = await writeContent(fh, offset, tensor);
        if (shard !== 0) entry.int(3, shard);
        if (offset !== 0) entry.int(4, offset);
        if (size !== 0) entry.int(5, size);
        entries.push([tensor.name, tensor.entry ?? entry.fixed32(6, maskCrc(crc)).encode()]);
        offset += size;
      }
      await fh.truncate(offset);
    } finally {
      await fh.close();
    }
  }
  const header =
    options.header ?? new ProtoMessage().int(1, shards).message(3, new ProtoMessage().int(1, 1)).encode();
  const keyed = entries.map(([name, value]) => [new TextEncoder().encode(name), value] as const);
  keyed.sort(([a], [b]) => Buffer.compare(a, b));
  const index = await open(`${prefix}.index`, "w");
  try {
    await writeAll(
      index,
      buildTable([[new Uint8Array(0), header], ...keyed], options.blockSize ?? 256 << 10),
    );
  } finally {
    await index.close();
  }
}

async function writeContent(
  fh: Awaited<ReturnType<typeof open>>,
  offset: number,
  tensor: BundleTensor,
): Promise<{ size: number; crc: number }> {
  const { content } = tensor;
  if (content instanceof Uint8Array) {
    await fh.write(content, 0, content.length, offset);
    return { size: content.length, crc: crc32c(content) };
  }
  const count = tensor.shape.reduce((n, d) => n * d, 1);
  if (content === "zeros") return { size: 4 * count, crc: zerosCrc(4 * count) };
  let crc = 0;
  const slice = new Float32Array(Math.min(count, SLICE_ELEMENTS));
  for (let start = 0; start < count; start += slice.length) {
    const n = Math.min(slice.length, count - start);
    for (let i = 0; i < n; i++) slice[i] = content(start + i);
    const bytes = new Uint8Array(slice.buffer, 0, 4 * n);
    crc = crc32c(bytes, crc);
    await fh.write(bytes, 0, bytes.length, offset + 4 * start);
  }
  return { size: 4 * count, crc };
}

function zerosCrc(size: number): number {
  if (!zeroCrcs.has(size)) {
    let crc = 0;
    for (let done = 0; done < size; done += ZERO_CHUNK.length)
      crc = crc32c(ZERO_CHUNK.subarray(0, Math.min(ZERO_CHUNK.length, size - done)), crc);
    zeroCrcs.set(size, crc);
  }
  return zeroCrcs.get(size)!;
}

function shapeProto(shape: number[]): ProtoMessage {
  const proto = new ProtoMessage();
  for (const size of shape)
    proto.message(2, size === 0 ? new ProtoMessage() : new ProtoMessage().int(1, size));
  return proto;
}

/** The table: data blocks, an empty metaindex block, the index block and the footer. */
function buildTable(entries: (readonly [Uint8Array, Uint8Array])[], blockSize: number): Uint8Array {
  const out: number[] = [];
  const handles: [Uint8Array, number[]][] = [];
  let block = new BlockBuilder(RESTART_INTERVAL);
  let lastKey: Uint8Array = new Uint8Array(0);
  // A flushed block's index entry waits for the next key: its key is the shortest separator between them.
  let pending: number[] | null = null;
  const flush = (builder: BlockBuilder): number[] => {
    const contents = builder.finish();
    const handle = [...varint(out.length), ...varint(contents.length)];
    const typed = Uint8Array.from([...contents, 0]);
    for (const b of typed) out.push(b);
    out.push(...u32(maskCrc(crc32c(typed))));
    return handle;
  };
  for (const [key, value] of entries) {
    if (pending) handles.push([shortestSeparator(lastKey, key), pending]);
    pending = null;
    block.add(key, value);
    lastKey = key;
    if (block.size >= blockSize) {
      pending = flush(block);
      block = new BlockBuilder(RESTART_INTERVAL);
    }
  }
  if (!block.empty) pending = flush(block);
  if (pending) handles.push([shortSuccessor(lastKey), pending]);
  const metaindex = flush(new BlockBuilder(RESTART_INTERVAL));
  const indexBlock = new BlockBuilder(1);
  for (const [key, handle] of handles) indexBlock.add(key, Uint8Array.from(handle));
  const index = flush(indexBlock);
  const footer = [...metaindex, ...index];
  out.push(...footer, ...new Array<number>(40 - footer.length).fill(0));
  out.push(...u32(0x8b80fb57), ...u32(0xdb477524));
  return Uint8Array.from(out);
}

/**
 * The bytewise comparator's FindShortestSeparator: `start` cut after its first byte that differs from
 * `limit`, that byte raised by one, when the result still sorts below `limit`; else `start` itself.
 */
function shortestSeparator(start: Uint8Array, limit: Uint8Array): Uint8Array {
  let at = 0;
  while (at < Math.min(start.length, limit.length) && start[at] === limit[at]) at++;
  if (at >= Math.min(start.length, limit.length)) return start;
  const byte = start[at]!;
  if (byte === 0xff || byte + 1 >= limit[at]!) return start;
  return Uint8Array.from([...start.subarray(0, at), byte + 1]);
}

/** The bytewise comparator's FindShortSuccessor: cut after the first byte below 0xff, raised by one. */
function shortSuccessor(key: Uint8Array): Uint8Array {
  const at = key.findIndex((b) => b !== 0xff);
  return at < 0 ? key : Uint8Array.from([...key.subarray(0, at), key[at]! + 1]);
}

class BlockBuilder {
  private readonly bytes: number[] = [];
  private readonly restarts: number[] = [0];
  private count = 0;
  private last: Uint8Array = new Uint8Array(0);
  private readonly interval: number;

  constructor(interval: number) {
    this.interval = interval;
  }

  get empty(): boolean {
    return this.bytes.length === 0;
  }

  get size(): number {
    return this.bytes.length + 4 * this.restarts.length + 4;
  }

  add(key: Uint8Array, value: Uint8Array): void {
    let shared = 0;
    if (this.count < this.interval) {
      while (shared < Math.min(key.length, this.last.length) && key[shared] === this.last[shared]) shared++;
    } else {
      this.restarts.push(this.bytes.length);
      this.count = 0;
    }
    this.bytes.push(...varint(shared), ...varint(key.length - shared), ...varint(value.length));
    for (const b of key.subarray(shared)) this.bytes.push(b);
    for (const b of value) this.bytes.push(b);
    this.last = key;
    this.count++;
  }

  finish(): number[] {
    return [...this.bytes, ...this.restarts.flatMap(u32), ...u32(this.restarts.length)];
  }
}

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}
