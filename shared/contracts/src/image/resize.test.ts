import { describe, expect, it } from "vitest";
import {
  comparable,
  type ExpectedBytes,
  readReference,
  testCard,
} from "../../../../test/helpers/image-reference.ts";
import { resizeBilinear } from "./resize.ts";

interface ResizeCase extends ExpectedBytes {
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
}

describe("resizeBilinear", () => {
  const { cases } = readReference<{ cases: ResizeCase[] }>("resize_reference.json");

  it.each(cases)("gives PIL's bytes for $width×$height → $outWidth×$outHeight", (c) => {
    const out = resizeBilinear(testCard(c.width, c.height), c.width, c.height, c.outWidth, c.outHeight);
    expect(out.length).toBe(c.outWidth * c.outHeight * 3);
    const { actual, expected } = comparable(out, c);
    expect(actual).toEqual(expected);
  });

  it("returns a copy, not the input, when the size does not change", () => {
    const rgb = testCard(4, 3);
    const out = resizeBilinear(rgb, 4, 3, 4, 3);
    expect(out).toEqual(rgb);
    expect(out).not.toBe(rgb);
  });

  it("refuses a buffer that does not hold width × height RGB pixels", () => {
    expect(() => resizeBilinear(new Uint8Array(10), 2, 2, 4, 4)).toThrow(RangeError);
    expect(() => resizeBilinear(new Uint8Array(12), 2, 2, 0, 4)).toThrow(RangeError);
  });
});
