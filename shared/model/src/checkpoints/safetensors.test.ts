import { readdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { float16ToFloat32, float32ToFloat16 } from "./half.ts";
import { openWeightFile } from "./open.ts";
import { writeSafetensors } from "./safetensors.ts";
import { expectCheckpointError, scratch } from "./testing.ts";

let dir: Awaited<ReturnType<typeof scratch>>;
beforeAll(async () => {
  dir = await scratch();
});
afterAll(() => dir.remove());

/** Values that stress a float format: signed zeros, extremes, subnormals, specials, and noise. */
function awkwardValues(): Float32Array {
  const special = [
    0,
    -0,
    1,
    -1,
    65504,
    -65504,
    70000,
    1e-8,
    -1e-8,
    2 ** -24,
    6.1e-5,
    1e-45,
    3.4e38,
    Infinity,
    -Infinity,
    Number.NaN,
  ];
  const data = new Float32Array(1000);
  data.set(special);
  for (let i = special.length; i < data.length; i++) data[i] = Math.sin(i * 12.9898) * 10 ** ((i % 9) - 4);
  return data;
}

const bits = (data: Float32Array) => new Uint32Array(data.buffer, data.byteOffset, data.length);

describe("safetensors", () => {
  test("fp32 round trip is bit-exact, metadata kept, data 8-byte aligned", async () => {
    const data = awkwardValues();
    const small = Float32Array.from([1.5, -2.25, 3]);
    await writeSafetensors(
      dir.path("a.safetensors"),
      new Map([
        ["genA2B.x", { shape: [10, 100], data }],
        ["genA2B.y", { shape: [3], data: async () => small }],
        ["scalar", { shape: [], data: Float32Array.from([7]) }],
      ]),
      { ugatit: '{"ngf":8}', note: "é" },
    );
    const bytes = await readFile(dir.path("a.safetensors"));
    expect(Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true)) % 8).toBe(0);
    const file = await openWeightFile(dir.path("a.safetensors"));
    try {
      expect(file.format).toBe("safetensors");
      expect(file.metadata).toEqual({ ugatit: '{"ngf":8}', note: "é" });
      expect([...file.tensors.values()]).toEqual([
        { name: "genA2B.x", shape: [10, 100], dtype: "float32", storedAs: "F32" },
        { name: "genA2B.y", shape: [3], dtype: "float32", storedAs: "F32" },
        { name: "scalar", shape: [], dtype: "float32", storedAs: "F32" },
      ]);
      expect(bits(await file.read("genA2B.x"))).toEqual(bits(data));
      expect(await file.read("genA2B.y")).toEqual(small);
      expect([...(await file.read("scalar"))]).toEqual([7]);
      await expectCheckpointError(
        file.read("genA2B.z"),
        "missing_key",
        "a.safetensors",
        /no tensor named genA2B\.z/,
      );
    } finally {
      await file.close();
    }
  });

  test("fp16 storage: half the size, values rounded to the nearest half", async () => {
    const data = awkwardValues();
    const tensors = new Map([["w", { shape: [1000], data }]]);
    await writeSafetensors(dir.path("f32.safetensors"), tensors);
    await writeSafetensors(dir.path("f16.safetensors"), tensors, {}, { fp16: true });
    const size = async (name: string) => (await readFile(dir.path(name))).length;
    expect(await size("f16.safetensors")).toBeLessThan((await size("f32.safetensors")) / 2 + 100);
    const file = await openWeightFile(dir.path("f16.safetensors"));
    try {
      expect(file.tensors.get("w")).toMatchObject({ dtype: "float16", storedAs: "F16" });
      const back = await file.read("w");
      expect(bits(back)).toEqual(bits(float16ToFloat32(float32ToFloat16(data))));
      for (let i = 0; i < data.length; i++) {
        const x = data[i]!;
        if (Number.isFinite(x) && Math.abs(x) <= 65504) {
          expect(Math.abs(back[i]! - x)).toBeLessThanOrEqual(Math.max(Math.abs(x) * 2 ** -11, 2 ** -25));
        }
      }
      expect([...back.subarray(0, 7)]).toEqual([0, -0, 1, -1, 65504, -65504, Infinity]);
      expect(back[15]).toBeNaN();
    } finally {
      await file.close();
    }
  });

  test("data that does not match its shape is refused, and no file is left behind", async () => {
    const path = dir.path("bad.safetensors");
    await expectCheckpointError(
      writeSafetensors(path, new Map([["w", { shape: [2, 3], data: new Float32Array(5) }]])),
      "wrong_shape",
      "bad.safetensors",
      /w has 5 values, shape \[2, 3\] needs 6/,
    );
    expect((await readdir(dirname(path))).filter((name) => name.startsWith("bad."))).toEqual([]);
  });
});
