import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { float32ToFloat16 } from "../half.ts";
import { openWeightFile } from "../open.ts";
import { scratch, TF_UGATIT } from "../testing.ts";
import { writeTfBundle } from "./bundle-writer.ts";

interface Case {
  checkpoint: { prefix: string; n_tensors: number; n_generator: number };
}

const isGenerator = (name: string) => /^generator_[AB]\//.test(name) && !/\/Adam(_1)?$/.test(name);

describe.each(["light64", "light64_legacy"])("the %s fixture", (name) => {
  const folder = join(TF_UGATIT, name);

  test("lists every tensor from the index and reads every one with its CRC-32C checked", async () => {
    const { checkpoint } = JSON.parse(await readFile(join(folder, "case.json"), "utf8")) as Case;
    const file = await openWeightFile(join(folder, checkpoint.prefix));
    try {
      expect(file.format).toBe("tf-bundle");
      expect(file.file).toBe(`${checkpoint.prefix}.index`);
      expect(file.tensors.size).toBe(checkpoint.n_tensors);
      expect([...file.tensors.keys()].filter(isGenerator)).toHaveLength(checkpoint.n_generator);
      const kernel = file.tensors.get("generator_B/conv/conv2d/kernel");
      expect(kernel).toEqual({
        name: "generator_B/conv/conv2d/kernel",
        shape: [7, 7, 3, 8],
        dtype: "float32",
        storedAs: "float32",
      });
      for (const info of file.tensors.values()) {
        const data = await file.read(info.name);
        expect(data.length).toBe(info.shape.reduce((n, d) => n * d, 1));
        expect(data.every(Number.isFinite)).toBe(true);
      }
    } finally {
      await file.close();
    }
  });
});

describe("a bundle written here, read back", () => {
  let dir: Awaited<ReturnType<typeof scratch>>;
  beforeAll(async () => {
    dir = await scratch();
  });
  afterAll(() => dir.remove());

  const values = Float32Array.from({ length: 300 }, (_, i) => Math.fround(Math.sin(i) * 3));
  const bytesOf = (array: ArrayBufferView) =>
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  const bfloat16 = new Uint16Array(new Uint32Array(values.buffer).map((bits) => bits >>> 16));

  test("every float type, shards, a zero-size tensor, and names in a many-block index", async () => {
    const prefix = dir.path("model.ckpt-7");
    const names = Array.from({ length: 120 }, (_, i) => `net/layer_${String(i).padStart(3, "0")}/kernel`);
    await writeTfBundle(
      prefix,
      [
        ...names.map((name, i) => ({ name, shape: [2, 3], content: (k: number) => i + k / 8, shard: i % 3 })),
        { name: "f32", shape: [300], content: bytesOf(values), shard: 1 },
        { name: "f16", shape: [10, 30], dtype: 19, content: bytesOf(float32ToFloat16(values)) },
        { name: "bf16", shape: [300], dtype: 14, content: bytesOf(bfloat16), shard: 2 },
        { name: "f64", shape: [3, 100], dtype: 2, content: bytesOf(Float64Array.from(values)) },
        { name: "empty", shape: [0, 4], content: new Uint8Array(0) },
        { name: "global_step", shape: [], dtype: 9, content: new Uint8Array(8) },
      ],
      { shards: 3, blockSize: 256 },
    );
    const file = await openWeightFile(prefix);
    try {
      expect(file.tensors.size).toBe(126);
      expect(file.tensors.get("global_step")).toEqual({
        name: "global_step",
        shape: [],
        dtype: "unsupported",
        storedAs: "int64",
      });
      expect(await file.read("f32")).toEqual(values);
      expect(await file.read("f64")).toEqual(values);
      expect(await file.read("bf16")).toEqual(
        new Float32Array(new Uint32Array(bfloat16).map((h) => h << 16).buffer),
      );
      const half = await file.read("f16");
      for (let i = 0; i < values.length; i++) expect(Math.abs(half[i]! - values[i]!)).toBeLessThan(4e-3);
      expect(await file.read("empty")).toEqual(new Float32Array(0));
      for (const [i, name] of names.entries()) {
        expect(await file.read(name)).toEqual(Float32Array.from({ length: 6 }, (_, k) => i + k / 8));
      }
    } finally {
      await file.close();
    }
  });
});
