/**
 * @module Bilinear resizing that gives the same bytes as OpenCV's `cv2.resize(img, (w, h))` on 8-bit
 * images (INTER_LINEAR), which the official TensorFlow U-GAT-IT test path and the official CAM picture
 * run: half-pixel centres, two taps per axis whatever the scale (no antialiasing when shrinking),
 * 11-bit fixed-point weights. A port of `cv::resize` (imgproc/src/resize.cpp) as x86-64 builds run it
 * (checked against OpenCV 4.6, SSE2 baseline): an exact halving is INTER_AREA's 2×2 mean, and the
 * vertical pass blends 16-bit values, truncating each product, as its SIMD kernel and the uchar
 * specialisation of its scalar loop both do.
 */

import { roundHalfToEven } from "./round.ts";

/** INTER_RESIZE_COEF_BITS: the weights are fractions of 2048. */
const COEF_BITS = 11;
const COEF_ONE = 1 << COEF_BITS;

/** One axis: output i reads input `first[i]` and the next one with 11-bit weights `w0[i]`, `w1[i]`. */
interface Taps {
  first: Int32Array;
  w0: Int32Array;
  w1: Int32Array;
}

/**
 * Resizes interleaved 8-bit pixels (`channels` per pixel) as `cv2.resize(img, (outWidth, outHeight))` does.
 *
 * @example
 * const input = resizeBilinearCv2(rgb, 640, 480, 256, 256); // stretched to [256, 256, 3]
 */
export function resizeBilinearCv2(
  pixels: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  channels = 3,
): Uint8Array {
  if (pixels.length !== width * height * channels) {
    throw new RangeError(
      `resizeBilinearCv2: ${pixels.length} bytes is not ${width}×${height} with ${channels} channels`,
    );
  }
  if (!(Number.isInteger(outWidth) && Number.isInteger(outHeight) && outWidth >= 1 && outHeight >= 1)) {
    throw new RangeError(`resizeBilinearCv2: cannot resize to ${outWidth}×${outHeight}`);
  }
  if (outWidth === width && outHeight === height) return pixels.slice();
  if (width === 2 * outWidth && height === 2 * outHeight)
    return halve(pixels, width, outWidth, outHeight, channels);
  const columns = taps(width, outWidth, true);
  const rows = taps(height, outHeight, false);
  const inStride = width * channels;
  const stride = outWidth * channels;
  // Horizontal pass over every input row: sums of value × weight, exact integers.
  const horizontal = new Int32Array(height * stride);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < outWidth; x++) {
      const p = y * inStride + columns.first[x]! * channels;
      const q = columns.first[x]! + 1 < width ? p + channels : p; // its weight is 0 at the right border
      const a0 = columns.w0[x]!;
      const a1 = columns.w1[x]!;
      for (let c = 0; c < channels; c++) {
        horizontal[y * stride + x * channels + c] = pixels[p + c]! * a0 + pixels[q + c]! * a1;
      }
    }
  }
  // Vertical pass: the rows read are clamped to the image, their weights are not.
  const out = new Uint8Array(outHeight * stride);
  for (let y = 0; y < outHeight; y++) {
    const r0 = clamp(rows.first[y]!, height) * stride;
    const r1 = clamp(rows.first[y]! + 1, height) * stride;
    const b0 = rows.w0[y]!;
    const b1 = rows.w1[y]!;
    for (let i = 0; i < stride; i++) {
      const v =
        ((((horizontal[r0 + i]! >> 4) * b0) >> 16) + (((horizontal[r1 + i]! >> 4) * b1) >> 16) + 2) >> 2;
      out[y * stride + i] = Math.min(v, 255);
    }
  }
  return out;
}

/**
 * The source index and weights of each output along one axis: `(i + 0.5) · scale − 0.5` computed in
 * double and stored as float, its floor and fraction. Columns beyond the borders take the edge pixel
 * whole (`clampAtBorders`); rows keep their weights.
 */
function taps(inSize: number, outSize: number, clampAtBorders: boolean): Taps {
  const scale = 1 / (outSize / inSize);
  const first = new Int32Array(outSize);
  const w0 = new Int32Array(outSize);
  const w1 = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const f = Math.fround((i + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    let frac = Math.fround(f - s);
    if (clampAtBorders && (s < 0 || s >= inSize - 1)) {
      s = s < 0 ? 0 : inSize - 1;
      frac = 0;
    }
    first[i] = s;
    w0[i] = roundHalfToEven(Math.fround(Math.fround(1 - frac) * COEF_ONE));
    w1[i] = roundHalfToEven(Math.fround(frac * COEF_ONE));
  }
  return { first, w0, w1 };
}

function clamp(row: number, rows: number): number {
  return row < 0 ? 0 : row >= rows ? rows - 1 : row;
}

/** An exact halving, which OpenCV runs as INTER_AREA: each 2×2 block's mean, rounded half up. */
function halve(pixels: Uint8Array, width: number, outWidth: number, outHeight: number, channels: number) {
  const out = new Uint8Array(outWidth * outHeight * channels);
  const stride = width * channels;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const p = 2 * y * stride + 2 * x * channels;
      for (let c = 0; c < channels; c++) {
        const sum =
          pixels[p + c]! +
          pixels[p + channels + c]! +
          pixels[p + stride + c]! +
          pixels[p + stride + channels + c]!;
        out[(y * outWidth + x) * channels + c] = (sum + 2) >> 2;
      }
    }
  }
  return out;
}
