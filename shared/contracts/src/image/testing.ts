/** @module The tests both bilinear resizes pass, each against the bytes of the library it copies. */
import { expect, it } from "vitest";
import {
  comparable,
  type ExpectedBytes,
  readReference,
  testCard,
} from "../../../../test/helpers/image-reference.ts";

/** A case of resize_reference.json or resize_cv2_reference.json: the test card from one size to another. */
interface ResizeCase extends ExpectedBytes {
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
}

type ResizeRgb = (
  rgb: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
) => Uint8Array;

/**
 * Inside a `describe`: `library`'s bytes for every case of `reference`, a copy when the size does not
 * change, and a RangeError for a buffer of the wrong size or an empty output.
 */
export function itResizesAs(library: string, reference: string, resize: ResizeRgb): void {
  const { cases } = readReference<{ cases: ResizeCase[] }>(reference);

  it.each(cases)(`gives ${library}'s bytes for $width×$height → $outWidth×$outHeight`, (c) => {
    const out = resize(testCard(c.width, c.height), c.width, c.height, c.outWidth, c.outHeight);
    expect(out.length).toBe(c.outWidth * c.outHeight * 3);
    const { actual, expected } = comparable(out, c);
    expect(actual).toEqual(expected);
  });

  it("returns a copy, not the input, when the size does not change", () => {
    const rgb = testCard(4, 3);
    const out = resize(rgb, 4, 3, 4, 3);
    expect(out).toEqual(rgb);
    expect(out).not.toBe(rgb);
  });

  it("refuses a buffer that does not match its size, and an empty output", () => {
    expect(() => resize(new Uint8Array(10), 2, 2, 4, 4)).toThrow(RangeError);
    expect(() => resize(new Uint8Array(12), 2, 2, 0, 4)).toThrow(RangeError);
  });
}
