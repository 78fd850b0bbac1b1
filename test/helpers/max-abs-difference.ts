/** @module Comparing outputs value by value: pixel levels, tensors. */
import { expect } from "vitest";

/** The largest |actual − expected| over two arrays, after checking they are the same length. */
export function maxAbsDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst;
}
