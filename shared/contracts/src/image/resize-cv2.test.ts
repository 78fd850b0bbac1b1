import { describe, expect, it } from "vitest";
import {
  comparable,
  type ExpectedBytes,
  readReference,
  testCard,
} from "../../../../test/helpers/image-reference.ts";
import { resizeBilinearCv2 } from "./resize-cv2.ts";

interface ResizeCase extends ExpectedBytes {
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
}

/** A one-row grey image as RGB. */
const greyRow = (values: number[]) => Uint8Array.from(values.flatMap((v) => [v, v, v]));

describe("resizeBilinearCv2", () => {
  const { cases } = readReference<{ cases: ResizeCase[] }>("resize_cv2_reference.json");

  it.each(cases)("gives cv2.resize's bytes for $width×$height → $outWidth×$outHeight", (c) => {
    const out = resizeBilinearCv2(testCard(c.width, c.height), c.width, c.height, c.outWidth, c.outHeight);
    expect(out.length).toBe(c.outWidth * c.outHeight * 3);
    const { actual, expected } = comparable(out, c);
    expect(actual).toEqual(expected);
  });

  it("reads two pixels per output when shrinking by 3, without averaging the others in", () => {
    // output centres fall on input pixels 1 and 4 exactly
    expect(resizeBilinearCv2(greyRow([0, 10, 20, 30, 40, 50]), 6, 1, 2, 1)).toEqual(greyRow([10, 40]));
  });

  it("uses half-pixel centres and repeats the edge when enlarging", () => {
    // centres at −0.25, 0.25, 0.75, 1.25: the edge, ¾·0 + ¼·100, ¼·0 + ¾·100, the edge
    expect(resizeBilinearCv2(greyRow([0, 100]), 2, 1, 4, 1)).toEqual(greyRow([0, 25, 75, 100]));
  });

  it("returns a copy, not the input, when the size does not change", () => {
    const rgb = testCard(4, 3);
    const out = resizeBilinearCv2(rgb, 4, 3, 4, 3);
    expect(out).toEqual(rgb);
    expect(out).not.toBe(rgb);
  });

  it("refuses a buffer that does not match its size, and an empty output", () => {
    expect(() => resizeBilinearCv2(new Uint8Array(10), 2, 2, 4, 4)).toThrow(RangeError);
    expect(() => resizeBilinearCv2(new Uint8Array(12), 2, 2, 0, 4)).toThrow(RangeError);
  });
});
