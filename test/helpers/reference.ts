/** The official code's reference cases in test/fixtures/reference (see its index.json and make_reference.py). */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type NpyArray, readNpy } from "./npy.ts";

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), "../fixtures");
const REFERENCE = resolve(FIXTURES, "reference");

interface ArrayRef {
  file: string;
  shape: number[];
}

interface CaseEntry {
  name: string;
  attrs: Record<string, unknown>;
  inputs: Record<string, ArrayRef>;
  params: Record<string, ArrayRef>;
  outputs: Record<string, ArrayRef>;
}

export interface ReferenceCase {
  attrs: Record<string, unknown>;
  inputs: Record<string, NpyArray>;
  params: Record<string, NpyArray>;
  outputs: Record<string, NpyArray>;
}

const index = JSON.parse(readFileSync(resolve(REFERENCE, "index.json"), "utf8")) as { cases: CaseEntry[] };

function load(refs: Record<string, ArrayRef>): Record<string, NpyArray> {
  return Object.fromEntries(Object.entries(refs).map(([k, r]) => [k, readNpy(resolve(REFERENCE, r.file))]));
}

export function referenceCase(name: string): ReferenceCase {
  const entry = index.cases.find((c) => c.name === name);
  if (!entry) throw new Error(`no reference case ${name}`);
  return {
    attrs: entry.attrs,
    inputs: load(entry.inputs),
    params: load(entry.params),
    outputs: load(entry.outputs),
  };
}

/** NCHW (PyTorch) → NHWC (TF.js) data, with the NHWC shape. */
export function toNhwc(a: NpyArray): { shape: [number, number, number, number]; data: Float32Array } {
  const [n, c, h, w] = a.shape as [number, number, number, number];
  const out = new Float32Array(a.data.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          out[((b * h + y) * w + x) * c + ch] = a.data[((b * c + ch) * h + y) * w + x] as number;
  return { shape: [n, h, w, c], data: out };
}

/** Largest |a − e| / (|e| + floor) over all elements, with the element where it occurs. */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-6) {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const err = Math.abs((actual[i] as number) - e) / (Math.abs(e) + floor);
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  return { worst, at };
}

/** Largest |a − e| relative to the largest |e|: for arrays whose scale varies a lot. */
export function maxScaledError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i] as number));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs((actual[i] as number) - (expected[i] as number));
    if (!(err <= worst)) worst = err;
  }
  return worst / scale;
}
