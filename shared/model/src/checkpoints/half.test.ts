import { describe, expect, test } from "vitest";
import { bfloat16ToFloat32, float16ToFloat32, float32ToFloat16 } from "./half.ts";

const toHalf = (...values: number[]) => [...float32ToFloat16(new Float32Array(values))];
const fromHalf = (...bits: number[]) => [...float16ToFloat32(new Uint16Array(bits))];

describe("float32 → float16", () => {
  test("exact values, signed zeros and the largest half", () => {
    expect(toHalf(0, -0, 1, -2, 0.5, 65504, -65504)).toEqual([
      0x0000, 0x8000, 0x3c00, 0xc000, 0x3800, 0x7bff, 0xfbff,
    ]);
  });

  test("overflow goes to infinity, NaN stays NaN", () => {
    // 65519.99 rounds down to 65504; 65520 is the tie between 65504 and 2^16 and goes to even (inf).
    expect(toHalf(65519, 65520, 1e6, -1e6, Infinity, -Infinity)).toEqual([
      0x7bff, 0x7c00, 0x7c00, 0xfc00, 0x7c00, 0xfc00,
    ]);
    const [nan = 0] = toHalf(Number.NaN);
    expect(nan & 0x7c00).toBe(0x7c00);
    expect(nan & 0x3ff).not.toBe(0);
  });

  test("subnormals and underflow", () => {
    const tiny = 2 ** -24; // the smallest subnormal half
    expect(toHalf(tiny, 3 * tiny, 1023 * tiny, 2 ** -14)).toEqual([0x0001, 0x0003, 0x03ff, 0x0400]);
    // 1e-8 is 0.168 of the smallest subnormal: rounds to zero; 2^-25 is the tie, to even (zero).
    expect(toHalf(1e-8, -1e-8, 2 ** -25, 2 ** -25 * 1.0001, 1e-40)).toEqual([
      0x0000, 0x8000, 0x0000, 0x0001, 0x0000,
    ]);
    // 1.5 and 2.5 subnormal steps: ties to even, 2 in both cases.
    expect(toHalf(1.5 * tiny, 2.5 * tiny)).toEqual([0x0002, 0x0002]);
    // Rounding the largest subnormal up carries into the smallest normal.
    expect(toHalf(1023.5 * tiny)).toEqual([0x0400]);
  });

  test("rounding ties go to even", () => {
    const ulp = 2 ** -10; // spacing of halves in [1, 2)
    expect(toHalf(1 + ulp / 2, 1 + (3 * ulp) / 2, 1 + ulp / 2 + 2 ** -20)).toEqual([0x3c00, 0x3c02, 0x3c01]);
    expect(toHalf(2047 / 1024 + ulp / 2)).toEqual([0x4000]); // carries into the exponent
  });

  test("every half survives a round trip through float32", () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const back = float32ToFloat16(float16ToFloat32(all));
    const isHalfNaN = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
    expect([...all].filter((h) => back[h] !== h && !(isHalfNaN(h) && isHalfNaN(back[h]!)))).toEqual([]);
  });
});

describe("float16 / bfloat16 → float32", () => {
  test("edge values", () => {
    expect(fromHalf(0x0000, 0x8000, 0x3c00, 0x7bff, 0x0001, 0x8001, 0x03ff, 0x7c00, 0xfc00)).toEqual([
      0,
      -0,
      1,
      65504,
      2 ** -24,
      -(2 ** -24),
      1023 * 2 ** -24,
      Infinity,
      -Infinity,
    ]);
    expect(Object.is(fromHalf(0x8000)[0], -0)).toBe(true);
    expect(fromHalf(0x7e00)[0]).toBeNaN();
  });

  test("bfloat16 is the top half of a float32", () => {
    expect([...bfloat16ToFloat32(new Uint16Array([0x3f80, 0xc040, 0x7f80, 0x0001]))]).toEqual([
      1,
      -3,
      Infinity,
      Math.fround(2 ** -133),
    ]);
  });
});
