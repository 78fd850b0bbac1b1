import { describe, expect, it } from "vitest";
import { orientRgb } from "./orientation.ts";

/** A 3 × 2 grey image stored as RGB: 1 2 3 / 4 5 6. */
const stored = Uint8Array.from([1, 2, 3, 4, 5, 6].flatMap((v) => [v, v, v]));
const grey = (image: { data: Uint8Array }) => [...image.data].filter((_, i) => i % 3 === 0);

describe("orientRgb", () => {
  it.each([
    [1, 3, 2, [1, 2, 3, 4, 5, 6]],
    [2, 3, 2, [3, 2, 1, 6, 5, 4]],
    [3, 3, 2, [6, 5, 4, 3, 2, 1]],
    [4, 3, 2, [4, 5, 6, 1, 2, 3]],
    [5, 2, 3, [1, 4, 2, 5, 3, 6]],
    [6, 2, 3, [4, 1, 5, 2, 6, 3]],
    [7, 2, 3, [6, 3, 5, 2, 4, 1]],
    [8, 2, 3, [3, 6, 2, 5, 1, 4]],
  ])("turns orientation %i upright (%i × %i)", (orientation, width, height, pixels) => {
    const upright = orientRgb(stored, 3, 2, orientation);
    expect([upright.width, upright.height]).toEqual([width, height]);
    expect(grey(upright)).toEqual(pixels);
  });

  it("leaves an unknown orientation as stored, and refuses a buffer of the wrong size", () => {
    expect(grey(orientRgb(stored, 3, 2, 9))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => orientRgb(stored, 2, 2, 6)).toThrow(RangeError);
  });
});
