import { describe, expect, it } from "vitest";
import { gptq, type RoundedFilter, roundToNearest } from "./gptq.ts";

/** A deterministic pseudo-random sequence in [-0.5, 0.5). */
function noise(n: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 - 0.5;
  });
}

/** E[x xᵀ] of `samples` inputs of `n` values, correlated (each the running mean of white noise). */
function correlatedMoments(n: number, samples: number, seed: number): Float64Array {
  const white = noise(n * samples, seed);
  const h = new Float64Array(n * n);
  const x = new Float64Array(n);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < n; i++) x[i] = 0.6 * (i > 0 ? x[i - 1]! : 0) + white[s * n + i]!;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h[i * n + j]! += (x[i]! * x[j]!) / samples;
  }
  return h;
}

/** Σ over rows of e H eᵀ, e the rounding error: the output's squared error on the inputs H describes. */
function outputError(w: Float32Array, rows: number, h: Float64Array, r: RoundedFilter): number {
  const n = w.length / rows;
  let total = 0;
  for (let row = 0; row < rows; row++) {
    const e = Array.from({ length: n }, (_, i) => w[row * n + i]! - r.q[row * n + i]! * r.scales[row]!);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) total += e[i]! * h[i * n + j]! * e[j]!;
  }
  return total;
}

describe("int8 filter rounding", () => {
  const rows = 8;
  const n = 96;
  const w = Float32Array.from(noise(rows * n, 7));

  it("rounds to nearest with one scale a row, max |w| at ±127", () => {
    const r = roundToNearest(w, rows);
    for (let row = 0; row < rows; row++) {
      const levels = Array.from(r.q.subarray(row * n, (row + 1) * n), Math.abs);
      expect(Math.max(...levels)).toBe(127);
      for (let i = 0; i < n; i++)
        expect(Math.abs(w[row * n + i]! - r.q[row * n + i]! * r.scales[row]!)).toBeLessThanOrEqual(
          r.scales[row]! / 2 + 1e-9,
        );
    }
  });

  it("GPTQ halves the output's error of rounding to nearest on correlated inputs", () => {
    const h = correlatedMoments(n, 400, 3);
    const nearest = outputError(w, rows, h, roundToNearest(w, rows));
    const whole = outputError(w, rows, h, gptq(w, rows, h, { block: n }));
    const blocks = outputError(w, rows, h, gptq(w, rows, h, { block: n / 2 }));
    expect(whole).toBeLessThan(0.7 * nearest);
    expect(blocks).toBeLessThan(0.8 * nearest);
  });

  it("is rounding to nearest where the inputs are uncorrelated, and keeps every level in int8", () => {
    const h = new Float64Array(n * n);
    for (let i = 0; i < n; i++) h[i * n + i] = 1 + (i % 5);
    const r = gptq(w, rows, h);
    expect(Array.from(r.q)).toEqual(Array.from(roundToNearest(w, rows).q));
    const big = Float32Array.from(w, (v, i) => (i % n === 0 ? 10 : v));
    const rounded = gptq(big, rows, correlatedMoments(n, 400, 5));
    expect(Math.max(...Array.from(rounded.q, Math.abs))).toBeLessThanOrEqual(127);
  });

  it("rounds a column no input reaches to nearest", () => {
    const h = correlatedMoments(n, 400, 9);
    for (let j = 0; j < n; j++) {
      h[5 * n + j] = 0;
      h[j * n + 5] = 0;
    }
    const r = gptq(w, rows, h);
    const nearest = roundToNearest(w, rows);
    for (let row = 0; row < rows; row++) expect(r.q[row * n + 5]).toBe(nearest.q[row * n + 5]);
  });
});
