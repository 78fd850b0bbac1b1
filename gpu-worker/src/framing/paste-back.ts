/** @module Putting a translated frame back into the photo it was cut from, with a feathered edge. */
import type { FramingBox } from "@ugatit/contracts/protocol";
import { resizeRgb } from "../faces/resize-rgb.ts";
import type { RgbImage } from "../runtime/translator.ts";

/** The feather's width per box side: wide enough to hide the seam, narrow enough to keep the face translated. */
export const FEATHER = 0.08;

/**
 * The photo with `translated` resized into `box`, blended linearly over a band of FEATHER × the box's
 * side along each box edge that lies inside the photo (an edge on the photo's border needs none). Pixels
 * outside the box are the photo's, unchanged.
 *
 * @example
 * const whole = await pasteBack(photo, result.image, [258, 146, 484, 484]); // photo.width × photo.height
 */
export async function pasteBack(photo: RgbImage, translated: RgbImage, box: FramingBox): Promise<RgbImage> {
  const [left, top, width, height] = box;
  const patch = await resizeRgb(translated, width, height);
  const data = new Uint8Array(photo.data);
  const band = Math.max(1, FEATHER * Math.min(width, height));
  // Distance inward from an edge, in pixels from the pixel's centre; an edge on the photo's border is infinitely far.
  const ramp = (from: number, to: number, span: number, atStart: boolean, atEnd: boolean) =>
    Math.min(atStart ? Infinity : from + 0.5, atEnd ? Infinity : span - from - 0.5, to);
  for (let y = 0; y < height; y++) {
    const dy = ramp(y, Infinity, height, top === 0, top + height === photo.height);
    for (let x = 0; x < width; x++) {
      const d = ramp(x, dy, width, left === 0, left + width === photo.width);
      const alpha = Math.min(1, d / band);
      const to = ((top + y) * photo.width + left + x) * 3;
      const from = (y * width + x) * 3;
      for (let c = 0; c < 3; c++)
        data[to + c] = Math.round(alpha * patch.data[from + c]! + (1 - alpha) * photo.data[to + c]!);
    }
  }
  return { width: photo.width, height: photo.height, data };
}
