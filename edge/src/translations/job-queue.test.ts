import { describe, expect, it } from "vitest";
import { retryDelaySeconds } from "./job-queue.ts";
import { preferredWaitSeconds } from "./prefer.ts";

describe("retry delays", () => {
  it("double from the base with each attempt, up to ten minutes", () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelaySeconds(attempt, 2))).toEqual([2, 4, 8, 16, 32]);
    expect(retryDelaySeconds(20, 2)).toBe(600);
  });

  it("wait at least as long as the worker's Retry-After", () => {
    expect(retryDelaySeconds(1, 2, 5)).toBe(5);
    expect(retryDelaySeconds(3, 2, 5)).toBe(8);
  });
});

describe("Prefer: wait", () => {
  it.each([
    [undefined, 0],
    ["wait=10", 10],
    ["wait=600", 60],
    ['handling=lenient, wait="5"', 5],
    ["respond-async, wait=10", 0],
    ["wait=abc", 0],
  ])("%s → %i s", (prefer, seconds) => {
    expect(preferredWaitSeconds(prefer)).toBe(seconds);
  });
});
