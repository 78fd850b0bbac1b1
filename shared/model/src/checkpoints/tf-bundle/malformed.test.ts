import { open, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readEveryTensor } from "../../../../../test/helpers/read-every-tensor.ts";
import { ProtoMessage } from "../../onnx/protobuf.ts";
import { CheckpointError } from "../errors.ts";
import { loadGenerator } from "../load.ts";
import { openWeightFile } from "../open.ts";
import { expectCheckpointError, scratch } from "../testing.ts";
import { type BundleTensor, writeTfBundle } from "./bundle-writer.ts";

let dir: Awaited<ReturnType<typeof scratch>>;
beforeAll(async () => {
  dir = await scratch();
});
afterAll(() => dir.remove());

const KERNEL = "generator_B/conv/conv2d/kernel";
const tensors: BundleTensor[] = [
  { name: KERNEL, shape: [7, 7, 3, 8], content: (i) => i / 100 },
  { name: "generator_B/conv/conv2d/bias", shape: [8], content: (i) => -i },
  { name: "global_step", shape: [], dtype: 9, content: new Uint8Array(8) },
  { name: "table/keys", shape: [2], dtype: 7, content: new Uint8Array(12) },
  { name: "generator_B/MLP/linear_0/dense/kernel", shape: [64, 32], content: "zeros", sliced: true },
];

/** A fresh copy of the small bundle at `dir/<name>`; returns its prefix. */
async function bundle(name: string, options: { blockSize?: number; whole?: boolean } = {}): Promise<string> {
  const prefix = dir.path(name);
  await writeTfBundle(prefix, options.whole ? tensors.filter((t) => !t.sliced) : tensors, options);
  return prefix;
}

describe("errors name the file and the tensor, on one line", () => {
  test("a file ending like no TensorFlow table is not a checkpoint", async () => {
    await writeFile(dir.path("noise.index"), new Uint8Array(100).fill(7));
    await expectCheckpointError(
      readEveryTensor(dir.path("noise")),
      "not_a_checkpoint",
      "noise.index",
      /no TensorFlow table footer/,
    );
  });

  test("a huge file ending in the table magic is refused before it is read", async () => {
    const path = dir.path("huge.index");
    const fh = await open(path, "w");
    const magic = Buffer.from("57fb808b247547db", "hex");
    await fh.write(magic, 0, magic.length, 2 ** 30 + 40);
    await fh.close();
    await expectCheckpointError(
      readEveryTensor(path),
      "corrupt",
      "huge.index",
      /corrupt index: 1073741872 bytes, more than/,
    );
  });

  test("a tensor that is not in the checkpoint", async () => {
    const file = await openWeightFile(await bundle("missing"));
    try {
      await expectCheckpointError(
        file.read("generator_B/conv_0/conv2d/kernel"),
        "missing_key",
        "missing.index",
        /missing key: no tensor named generator_B\/conv_0\/conv2d\/kernel$/,
      );
    } finally {
      await file.close();
    }
  });

  test("a missing data shard fails only the reads that need it", async () => {
    const prefix = await bundle("no-data");
    await rm(`${prefix}.data-00000-of-00001`);
    const file = await openWeightFile(prefix);
    try {
      expect(file.tensors.size).toBe(5);
      await expectCheckpointError(
        file.read(KERNEL),
        "missing_shard",
        "no-data.data-00000-of-00001",
        /missing shard: no-data\.data-00000-of-00001 \(holding generator_B\/conv\/conv2d\/kernel\) is not next to no-data\.index$/,
      );
    } finally {
      await file.close();
    }
  });

  test("a flipped bit in a tensor's bytes fails that tensor's CRC-32C, and only that tensor's", async () => {
    const prefix = await bundle("flipped-data");
    const data = await readFile(`${prefix}.data-00000-of-00001`);
    data[100]! ^= 0x10;
    await writeFile(`${prefix}.data-00000-of-00001`, data);
    const file = await openWeightFile(prefix);
    try {
      await expectCheckpointError(
        file.read(KERNEL),
        "checksum_mismatch",
        "flipped-data.data-00000-of-00001",
        /checksum mismatch: generator_B\/conv\/conv2d\/kernel stores CRC-32C 0x[0-9a-f]{8}, its 4704 bytes give 0x[0-9a-f]{8}$/,
      );
      expect(await file.read("generator_B/conv/conv2d/bias")).toEqual(
        Float32Array.from({ length: 8 }, (_, i) => -i),
      );
    } finally {
      await file.close();
    }
  });

  test("a flipped bit in the index fails its block's CRC-32C", async () => {
    const prefix = await bundle("flipped-index");
    const index = await readFile(`${prefix}.index`);
    const at = index.indexOf(Buffer.from("lobal_step"));
    expect(at).toBeGreaterThan(0);
    index[at]! ^= 0x01;
    await writeFile(`${prefix}.index`, index);
    await expectCheckpointError(
      readEveryTensor(prefix),
      "checksum_mismatch",
      "flipped-index.index",
      /checksum mismatch: the data block at offset 0 stores CRC-32C 0x[0-9a-f]{8}, its bytes give 0x[0-9a-f]{8}$/,
    );
  });

  test("integer and string tensors are listed with their types but not read", async () => {
    const file = await openWeightFile(await bundle("types"));
    try {
      expect(file.tensors.get("global_step")).toMatchObject({ dtype: "unsupported", storedAs: "int64" });
      expect(file.tensors.get("table/keys")).toMatchObject({ dtype: "unsupported", storedAs: "string" });
      await expectCheckpointError(
        file.read("global_step"),
        "unsupported_dtype",
        "types.index",
        /global_step is int64/,
      );
      await expectCheckpointError(
        file.read("table/keys"),
        "unsupported_dtype",
        "types.index",
        /table\/keys is string/,
      );
    } finally {
      await file.close();
    }
  });

  test("a partitioned variable is listed with its full shape, and refused when read", async () => {
    const file = await openWeightFile(await bundle("sliced"));
    try {
      expect(file.tensors.get("generator_B/MLP/linear_0/dense/kernel")?.shape).toEqual([64, 32]);
      await expectCheckpointError(
        file.read("generator_B/MLP/linear_0/dense/kernel"),
        "sliced_variable",
        "sliced.index",
        /sliced variable: generator_B\/MLP\/linear_0\/dense\/kernel is saved as partitions/,
      );
    } finally {
      await file.close();
    }
  });

  test("a data shard cut short", async () => {
    const prefix = await bundle("cut");
    await truncate(`${prefix}.data-00000-of-00001`, 1000);
    const file = await openWeightFile(prefix);
    await expectCheckpointError(
      file.read(KERNEL).finally(() => file.close()),
      "truncated",
      "cut.data-00000-of-00001",
      /truncated: generator_B\/conv\/conv2d\/kernel needs 4704 bytes at offset 0, the file ends at 1000$/,
    );
  });

  test("an entry whose size does not match its shape, or whose shard is not in the header", async () => {
    const shape = new ProtoMessage().message(2, new ProtoMessage().int(1, 3));
    const cases = [
      ["size", new ProtoMessage().int(1, 1).message(2, shape).int(5, 8)],
      ["shard", new ProtoMessage().int(1, 1).int(3, 4).int(5, 4)],
    ] as const;
    for (const [name, entry] of cases) {
      const content = new Uint8Array(4);
      await writeTfBundle(dir.path(`entry-${name}`), [
        { name: "x", shape: [], content, entry: entry.encode() },
      ]);
    }
    await expectCheckpointError(
      readEveryTensor(dir.path("entry-size")),
      "corrupt",
      "entry-size.index",
      /corrupt index: x \[3\] float32 should be 12 bytes, the entry says 8$/,
    );
    await expectCheckpointError(
      readEveryTensor(dir.path("entry-shard")),
      "corrupt",
      "entry-shard.index",
      /corrupt index: x is in shard 4 of 1$/,
    );
  });

  test("a header without shards (a V1 table) and a big-endian one", async () => {
    const tensor: BundleTensor = { name: "x", shape: [], content: new Uint8Array(4) };
    await writeTfBundle(dir.path("v1"), [tensor], {
      header: new ProtoMessage().bytes(1, new Uint8Array(3)).encode(),
    });
    await expectCheckpointError(
      readEveryTensor(dir.path("v1")),
      "not_a_checkpoint",
      "v1.index",
      /a V1 checkpoint/,
    );
    await writeTfBundle(dir.path("big"), [tensor], {
      header: new ProtoMessage().int(1, 1).int(2, 1).encode(),
    });
    await expectCheckpointError(
      readEveryTensor(dir.path("big")),
      "unsupported_dtype",
      "big.index",
      /big-endian/,
    );
  });
});

describe("a TensorFlow checkpoint that is not U-GAT-IT", () => {
  test("has no generator to load, and says what it has", async () => {
    const prefix = dir.path("lenet");
    await writeTfBundle(prefix, [
      { name: "Variable", shape: [5, 5, 3, 6], content: "zeros" },
      { name: "Variable_1", shape: [6], content: "zeros" },
      { name: "global_step", shape: [], dtype: 9, content: new Uint8Array(8) },
    ]);
    await expectCheckpointError(
      loadGenerator(prefix, "A2B"),
      "not_a_generator",
      "lenet.index",
      /not a generator: a TensorFlow checkpoint that is not U-GAT-IT \(no generator_A\/ or generator_B\/ variables; it has Variable, Variable_1, global_step\)$/,
    );
  });
});

describe("damage anywhere fails as a CheckpointError, never as anything else", () => {
  test("every flipped byte of an index with several blocks", async () => {
    const prefix = await bundle("fuzz", { blockSize: 64, whole: true });
    const index = await readFile(`${prefix}.index`);
    const codes = new Set<string>();
    const harmless: number[] = [];
    for (let at = 0; at < index.length; at++) {
      const damaged = Uint8Array.from(index);
      damaged[at]! ^= 0x5a;
      await writeFile(`${prefix}.index`, damaged);
      const error = await readEveryTensor(prefix).then(
        () => null,
        (e: unknown) => e,
      );
      if (error === null) harmless.push(at);
      else {
        expect(error).toBeInstanceOf(CheckpointError);
        codes.add((error as CheckpointError).code);
      }
    }
    expect(codes).toContain("checksum_mismatch");
    // Only the footer's zero padding, between the block handles and the magic, is not checked.
    for (const at of harmless) expect(at).toBeGreaterThanOrEqual(index.length - 48);
  });

  test("the index cut anywhere", async () => {
    const prefix = await bundle("cut-index", { blockSize: 64 });
    const index = await readFile(`${prefix}.index`);
    for (let length = 0; length < index.length; length += 7) {
      await writeFile(`${prefix}.index`, index.subarray(0, length));
      await expect(readEveryTensor(prefix)).rejects.toBeInstanceOf(CheckpointError);
    }
  });
});
