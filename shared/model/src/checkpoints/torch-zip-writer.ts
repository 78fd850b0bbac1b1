/**
 * @module Writes state_dicts as PyTorch ≥ 1.6 zip checkpoints that `torch.load` reads: the official
 * dict of networks or a bare state_dict, float32, stored entries aligned to 64 bytes like torch's.
 */
import { basename, extname } from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import type { TorchTensor } from "../architecture/params.ts";
import { fileLabel } from "./errors.ts";
import { checkValueCount, elementCount } from "./weight-file.ts";
import { writeAll, writeAtomically } from "./write-all.ts";

type StateDict = Map<string, TorchTensor>;

export interface TorchCheckpointOptions {
  /** The archive's folder; torch uses the file's stem. */
  prefix?: string;
  /** Write zip64 records even when the file does not need them (it gets them anyway beyond 4 GB). */
  zip64?: boolean;
}

/**
 * Writes `{network: state_dict}` (the official layout) or a bare state_dict, atomically.
 *
 * @example await writeTorchCheckpoint("out.pt", new Map([["genA2B", weightsA2B], ["genB2A", weightsB2A]]));
 */
export async function writeTorchCheckpoint(
  path: string,
  root: Map<string, StateDict> | StateDict,
  options: TorchCheckpointOptions = {},
): Promise<void> {
  const prefix = options.prefix ?? basename(path, extname(path));
  const storages: TorchTensor[] = [];
  const pickle = new PickleWriter();
  pickle.raw(0x80, 2); // PROTO 2
  const writeStateDict = (dict: StateDict) =>
    pickle.orderedDict(dict, (name, tensor) => {
      checkValueCount(fileLabel(path), name, tensor.shape, tensor.data);
      pickle.tensor(String(storages.length), tensor.shape);
      storages.push(tensor);
    });
  const official = [...root.values()].some((value) => value instanceof Map);
  if (official) {
    pickle.raw(0x7d, 0x28); // EMPTY_DICT MARK
    for (const [name, dict] of root as Map<string, StateDict>) {
      pickle.unicode(name);
      writeStateDict(dict);
    }
    pickle.raw(0x75); // SETITEMS
  } else {
    writeStateDict(root as StateDict);
  }
  pickle.raw(0x2e); // STOP

  const records: [string, Uint8Array][] = [
    ["data.pkl", pickle.bytes()],
    ...storages.map((t, i): [string, Uint8Array] => [
      `data/${i}`,
      new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
    ]),
    ["version", new TextEncoder().encode("3\n")],
  ];
  const total = records.reduce((n, [, data]) => n + data.length + 200, 0);
  await writeZip(
    path,
    records.map(([name, data]) => [`${prefix}/${name}`, data]),
    options.zip64 || total >= 0xffffffff,
  );
}

/** Just the opcodes a state_dict needs, protocol 2. */
class PickleWriter {
  private readonly chunks: Uint8Array[] = [];

  raw(...bytes: number[]): void {
    this.chunks.push(Uint8Array.from(bytes));
  }

  bytes(): Uint8Array {
    return Buffer.concat(this.chunks);
  }

  unicode(text: string): void {
    const utf8 = new TextEncoder().encode(text);
    this.raw(0x58, ...u32(utf8.length)); // BINUNICODE
    this.chunks.push(utf8);
  }

  int(value: number): void {
    if (value >= 0 && value < 0x100)
      this.raw(0x4b, value); // BININT1
    else if (value >= 0 && value < 0x10000)
      this.raw(0x4d, value & 0xff, value >>> 8); // BININT2
    else if (value >= -0x80000000 && value < 0x80000000)
      this.raw(0x4a, ...u32(value)); // BININT
    else this.raw(0x8a, 8, ...u64(value)); // LONG1, 8 bytes
  }

  global(module: string, name: string): void {
    this.raw(0x63); // GLOBAL
    this.chunks.push(new TextEncoder().encode(`${module}\n${name}\n`));
  }

  tuple(values: number[]): void {
    this.raw(0x28); // MARK
    for (const v of values) this.int(v);
    this.raw(0x74); // TUPLE
  }

  orderedDict<T>(entries: Map<string, T>, writeValue: (key: string, value: T) => void): void {
    this.global("collections", "OrderedDict");
    this.raw(0x29, 0x52, 0x28); // EMPTY_TUPLE REDUCE MARK
    for (const [key, value] of entries) {
      this.unicode(key);
      writeValue(key, value);
    }
    this.raw(0x75); // SETITEMS
  }

  /** `_rebuild_tensor_v2(storage, 0, shape, contiguous strides, False, OrderedDict())`. */
  tensor(key: string, shape: number[]): void {
    this.global("torch._utils", "_rebuild_tensor_v2");
    this.raw(0x28, 0x28); // MARK (arguments) MARK (persistent id)
    this.unicode("storage");
    this.global("torch", "FloatStorage");
    this.unicode(key);
    this.unicode("cpu");
    this.int(elementCount(shape));
    this.raw(0x74, 0x51); // TUPLE BINPERSID
    this.int(0);
    this.tuple(shape);
    this.tuple(shape.map((_, d) => elementCount(shape.slice(d + 1))));
    this.raw(0x89); // NEWFALSE
    this.orderedDict(new Map(), () => undefined);
    this.raw(0x74, 0x52); // TUPLE REDUCE
  }
}

/**
 * A zip of stored entries, data aligned to 64 bytes (or deflated ones, for tests of the readers),
 * optionally with zip64 sizes and offsets.
 */
export async function writeZip(
  path: string,
  records: [string, Uint8Array][],
  zip64: boolean,
  deflate = false,
): Promise<void> {
  await writeAtomically(path, async (fh) => {
    const central: Uint8Array[] = [];
    let offset = 0;
    const put = async (bytes: Uint8Array) => {
      await writeAll(fh, bytes);
      offset += bytes.length;
    };
    for (const [name, raw] of records) {
      const nameBytes = new TextEncoder().encode(name);
      const crc = crc32(raw);
      const data = deflate ? deflateRawSync(raw) : raw;
      const method = deflate ? 8 : 0;
      const headerOffset = offset;
      const sizes = zip64 ? [...u16(0x0001), ...u16(16), ...u64(raw.length), ...u64(data.length)] : [];
      const sizeFields = zip64
        ? [...u32(0xffffffff), ...u32(0xffffffff)]
        : [...u32(data.length), ...u32(raw.length)];
      // An extra field of zeros (id "FB", as torch writes) pads the data start to a multiple of 64.
      const pad = (64 - ((headerOffset + 30 + nameBytes.length + sizes.length + 4) % 64)) % 64;
      const extra = [...sizes, ...u16(0x4246), ...u16(pad), ...new Array<number>(pad).fill(0)];
      const version = zip64 ? 45 : 20;
      await put(
        Uint8Array.from([
          ...u32(0x04034b50),
          ...u16(version),
          ...u16(0),
          ...u16(method),
          ...u32(0),
          ...u32(crc),
          ...sizeFields,
          ...u16(nameBytes.length),
          ...u16(extra.length),
        ]),
      );
      await put(nameBytes);
      await put(Uint8Array.from(extra));
      await put(data);
      const centralExtra = zip64
        ? [...u16(0x0001), ...u16(24), ...u64(raw.length), ...u64(data.length), ...u64(headerOffset)]
        : [];
      central.push(
        Uint8Array.from([
          ...u32(0x02014b50),
          ...u16(version),
          ...u16(version),
          ...u16(0),
          ...u16(method),
          ...u32(0),
          ...u32(crc),
          ...sizeFields,
          ...u16(nameBytes.length),
          ...u16(centralExtra.length),
          ...u16(0),
          ...u16(0),
          ...u16(0),
          ...u32(0),
          ...u32(zip64 ? 0xffffffff : headerOffset),
        ]),
        nameBytes,
        Uint8Array.from(centralExtra),
      );
    }
    const directoryOffset = offset;
    const directory = Buffer.concat(central);
    await put(directory);
    const count = records.length;
    if (zip64) {
      const recordOffset = offset;
      await put(
        Uint8Array.from([
          ...u32(0x06064b50),
          ...u64(44),
          ...u16(45),
          ...u16(45),
          ...u32(0),
          ...u32(0),
          ...u64(count),
          ...u64(count),
          ...u64(directory.length),
          ...u64(directoryOffset),
        ]),
      );
      await put(Uint8Array.from([...u32(0x07064b50), ...u32(0), ...u64(recordOffset), ...u32(1)]));
    }
    await put(
      Uint8Array.from([
        ...u32(0x06054b50),
        ...u16(0),
        ...u16(0),
        ...u16(zip64 ? 0xffff : count),
        ...u16(zip64 ? 0xffff : count),
        ...u32(zip64 ? 0xffffffff : directory.length),
        ...u32(zip64 ? 0xffffffff : directoryOffset),
        ...u16(0),
      ]),
    );
  });
}

function u16(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff];
}

function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

function u64(value: number): number[] {
  return [...u32(value >>> 0), ...u32(Math.floor(value / 2 ** 32))];
}
