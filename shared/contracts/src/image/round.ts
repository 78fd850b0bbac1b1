/** @module The rounding C code gets from lrint / cvRound under the default floating-point mode. */

/** Rounds to the nearest integer, ties to the even one: 0.5 → 0, 1.5 → 2, 2.5 → 2. */
export function roundHalfToEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
