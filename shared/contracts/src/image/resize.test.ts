import { describe, expect, it } from "vitest";
import { comparable, type ExpectedBytes, readReference } from "../../../../test/helpers/image-reference.ts";
import { resizeBilinear } from "./resize.ts";

interface ResizeCase extends ExpectedBytes {
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
}

/** The test card of make_reference.py: smooth ramps and hard edges in every channel. */
function testCard(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        rgb[(y * width + x) * 3 + c] =
          (x * x * 7 + y * y * 3 + x * y * 5 + c * 85 + ((x * 13) ^ (y * 29))) & 255;
      }
    }
  }
  return rgb;
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
