/**
 * @module EXIF orientation applied to pixels, as `cv2.imread` does (the official TF test path reads
 * images with it; PIL's `Image.open`, the PyTorch path, does not).
 */

/**
 * Interleaved RGB turned upright for its EXIF orientation (1–8; anything else is taken as 1): for 5–8
 * width and height swap. 6 is a 90° clockwise turn, 8 a quarter turn back.
 *
 * @example
 * const upright = orientRgb(rgb, 4032, 3024, 6); // 3024 × 4032
 */
export function orientRgb(
  rgb: Uint8Array,
  width: number,
  height: number,
  orientation: number,
): { width: number; height: number; data: Uint8Array } {
  if (rgb.length !== width * height * 3) {
    throw new RangeError(`orientRgb: ${rgb.length} bytes is not ${width}×${height} RGB`);
  }
  const source = SOURCES[orientation];
  if (!source) return { width, height, data: rgb };
  const swap = orientation >= 5;
  const [outWidth, outHeight] = swap ? [height, width] : [width, height];
  const data = new Uint8Array(rgb.length);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const [sx, sy] = source(x, y, width, height);
      const from = (sy * width + sx) * 3;
      const to = (y * outWidth + x) * 3;
      data[to] = rgb[from]!;
      data[to + 1] = rgb[from + 1]!;
      data[to + 2] = rgb[from + 2]!;
    }
  }
  return { width: outWidth, height: outHeight, data };
}

/** For each orientation but 1: the stored pixel (x, y) shown at upright (x', y') of a w × h image. */
const SOURCES: Record<number, (x: number, y: number, w: number, h: number) => [number, number]> = {
  2: (x, y, w) => [w - 1 - x, y], // mirrored
  3: (x, y, w, h) => [w - 1 - x, h - 1 - y], // upside down
  4: (x, y, _, h) => [x, h - 1 - y], // mirrored upside down
  5: (x, y) => [y, x], // transposed
  6: (x, y, _, h) => [y, h - 1 - x], // turned 90° clockwise to show
  7: (x, y, w, h) => [w - 1 - y, h - 1 - x], // transversed
  8: (x, y, w) => [w - 1 - y, x], // turned 90° anticlockwise to show
};
