import { describe, expect, it } from "vitest";
import { preferredWaitSeconds } from "./prefer.ts";

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
