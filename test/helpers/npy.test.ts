import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { encodeNpy, parseNpy, readNpy, writeNpy } from "./npy.ts";

const REF = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "reference");

/** A hand-built .npy: `version` 1 or 2, arbitrary header dict, float32 LE payload. */
function rawNpy(version: 1 | 2, dict: string, values: number[], major: number = version): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  const hlen = total - pre;
  const header = `${dict}${" ".repeat(hlen - dict.length - 1)}\n`;
  const out = new Uint8Array(total + 4 * values.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, hlen, true);
  else view.setUint32(8, hlen, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  for (const [i, v] of values.entries()) view.setFloat32(total + 4 * i, v, true);
  return out;
}

describe("readNpy on the PyTorch reference fixtures", () => {
  it("reads the light generator output (non-square, batch 2) with the right layout", () => {
    const { shape, data } = readNpy(join(REF, "genA2B_light_96x80", "outputs", "out.npy"));
    expect(shape).toEqual([2, 3, 96, 80]);
    expect(data.length).toBe(2 * 3 * 96 * 80);
    const at = (n: number, c: number, h: number, w: number) => data[((n * 3 + c) * 96 + h) * 80 + w];
    // values read back with NumPy (exact float32)
    expect(at(0, 0, 0, 0)).toBe(0.02794503979384899);
    expect(at(0, 1, 10, 20)).toBe(0.2156296819448471);
    expect(at(1, 2, 95, 79)).toBe(-0.5073124170303345);
  });

  it("reads a small [B, 2] array", () => {
    const { shape, data } = readNpy(join(REF, "disLA_train", "outputs", "cam_logit.npy"));
    expect(shape).toEqual([2, 2]);
    expect(Array.from(data)).toEqual([
      0.10597678273916245, -0.0678684264421463, 0.09111376851797104, -0.04034716263413429,
    ]);
  });

  it("every array listed in index.json exists with the listed shape", () => {
    const index = JSON.parse(readFileSync(join(REF, "index.json"), "utf8")) as {
      cases: { name: string; inputs: Files; params: Files; outputs: Files }[];
    };
    type Files = Record<string, { file: string; shape: number[] }>;
    expect(index.cases.length).toBeGreaterThan(20);
    let n = 0;
    for (const c of index.cases) {
      for (const group of [c.inputs, c.params, c.outputs]) {
        for (const [name, { file, shape }] of Object.entries(group)) {
          const arr = readNpy(join(REF, file));
          expect(arr.shape, `${c.name}/${name}`).toEqual(shape);
          expect(arr.data.every(Number.isFinite), `${c.name}/${name} finite`).toBe(true);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(100);
  });
});

describe("npy format handling", () => {
  it("parses a version 2.0 header", () => {
    const bytes = rawNpy(
      2,
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      [0, 0.25, 0.5, 0.75, 1, 1.25],
    );
    expect(parseNpy(bytes)).toEqual({ shape: [2, 3], data: new Float32Array([0, 0.25, 0.5, 0.75, 1, 1.25]) });
  });

  it("parses scalar and 1-D shapes", () => {
    expect(parseNpy(rawNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", [7])).shape).toEqual(
      [],
    );
    expect(
      parseNpy(rawNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", [1, 2, 3])).shape,
    ).toEqual([3]);
  });

  it("round-trips through writeNpy", () => {
    const dir = mkdtempSync(join(tmpdir(), "npy-"));
    try {
      const path = join(dir, "a.npy");
      const data = new Float32Array([1.5, -2, 3.25, Number.NaN, 0, -0.125]);
      writeNpy(path, [1, 2, 3], data);
      expect(existsSync(path)).toBe(true);
      const back = readNpy(path);
      expect(back.shape).toEqual([1, 2, 3]);
      expect(Array.from(back.data)).toEqual(Array.from(data));
      expect((readFileSync(path).length - 6 * 4) % 64).toBe(0);
      expect(readNpy(join(REF, "shared", "x_2x3x64x64.npy")).shape).toEqual([2, 3, 64, 64]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => encodeNpy([2, 2], new Float32Array(3))).toThrow(/4 elements/);
  });

  it("rejects what it cannot read, with a clear reason", () => {
    const f4 = (descr: string, fortran = "False") =>
      rawNpy(1, `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': (1,), }`, [1]);
    expect(() => parseNpy(f4("<f8"), "x.npy")).toThrow(/x\.npy: unsupported dtype '<f8'/);
    expect(() => parseNpy(f4(">f4"))).toThrow(/unsupported dtype '>f4'/);
    expect(() => parseNpy(f4("<f4", "True"))).toThrow(/Fortran-order/);
    expect(() =>
      parseNpy(rawNpy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", [1], 3)),
    ).toThrow(/version 3\.0/);
    expect(() => parseNpy(new TextEncoder().encode("not an npy file"))).toThrow(/bad magic/);
    const short = rawNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", [1, 2]);
    expect(() => parseNpy(short)).toThrow(/data too short/);
  });
});
