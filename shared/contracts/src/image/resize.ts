/**
 * @module Bilinear resizing that gives the same bytes as PIL's `Image.resize(size, Image.BILINEAR)`,
 * which is what torchvision's `transforms.Resize` runs in the official U-GAT-IT test transform.
 * A port of Pillow's `ImagingResample` (src/libImaging/Resample.c) for 8-bit RGB.
 */

/** Pillow's fixed-point coefficient precision: 32 bits − 8 for the pixel − 2 for the sign and overflow. */
const PRECISION_BITS = 32 - 8 - 2;
const HALF = 1 << (PRECISION_BITS - 1);

/** Coefficients of one pass: output pixel i reads `count[i]` input pixels from `first[i]`. */
interface Pass {
  first: Int32Array;
  count: Int32Array;
  /** Fixed-point weights, `taps` per output pixel. */
  weights: Int32Array;
  taps: number;
}

/**
 * Resizes interleaved 8-bit RGB with PIL's bilinear filter, antialiased when shrinking.
 *
 * @example
 * const input = resizeBilinear(rgb, 300, 200, 256, 256); // [256, 256, 3]
 */
export function resizeBilinear(
  rgb: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Uint8Array {
  if (rgb.length !== width * height * 3) {
    throw new RangeError(`resizeBilinear: ${rgb.length} bytes is not ${width}×${height} RGB`);
  }
  if (!(outWidth >= 1 && outHeight >= 1)) {
    throw new RangeError(`resizeBilinear: cannot resize to ${outWidth}×${outHeight}`);
  }
  const horizontal = precomputePass(width, outWidth);
  const vertical = precomputePass(height, outHeight);
  let image = rgb;
  let rows = height;
  if (outWidth !== width) {
    // Only the input rows the vertical pass reads go through the horizontal pass.
    const firstRow = vertical.first[0]!;
    const lastRow = vertical.first[outHeight - 1]! + vertical.count[outHeight - 1]!;
    for (let y = 0; y < outHeight; y++) vertical.first[y]! -= firstRow;
    rows = lastRow - firstRow;
    image = resampleHorizontal(rgb, width, firstRow, rows, horizontal, outWidth);
  }
  if (outHeight !== height) return resampleVertical(image, outWidth, vertical, outHeight);
  return image === rgb ? rgb.slice() : image;
}

/** Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for the triangle filter (support 1). */
function precomputePass(inSize: number, outSize: number): Pass {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * taps);
  const kernel = new Float64Array(taps);
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const n = Math.min(Math.trunc(center + support + 0.5), inSize) - lo;
    let sum = 0;
    for (let x = 0; x < n; x++) {
      const w = Math.max(1 - Math.abs((x + lo - center + 0.5) * (1 / filterScale)), 0);
      kernel[x] = w;
      sum += w;
    }
    for (let x = 0; x < n; x++) {
      const w = sum !== 0 ? kernel[x]! / sum : kernel[x]!;
      weights[i * taps + x] = Math.trunc(0.5 + w * (1 << PRECISION_BITS));
    }
    first[i] = lo;
    count[i] = n;
  }
  return { first, count, weights, taps };
}

function resampleHorizontal(
  rgb: Uint8Array,
  width: number,
  firstRow: number,
  rows: number,
  pass: Pass,
  outWidth: number,
): Uint8Array {
  const out = new Uint8Array(outWidth * rows * 3);
  for (let y = 0; y < rows; y++) {
    const row = (y + firstRow) * width * 3;
    for (let i = 0; i < outWidth; i++) {
      const lo = pass.first[i]!;
      const n = pass.count[i]!;
      const k = i * pass.taps;
      let r = HALF;
      let g = HALF;
      let b = HALF;
      for (let x = 0; x < n; x++) {
        const w = pass.weights[k + x]!;
        const p = row + (lo + x) * 3;
        r += rgb[p]! * w;
        g += rgb[p + 1]! * w;
        b += rgb[p + 2]! * w;
      }
      const o = (y * outWidth + i) * 3;
      out[o] = clip8(r);
      out[o + 1] = clip8(g);
      out[o + 2] = clip8(b);
    }
  }
  return out;
}

function resampleVertical(rgb: Uint8Array, width: number, pass: Pass, outHeight: number): Uint8Array {
  const out = new Uint8Array(width * outHeight * 3);
  const stride = width * 3;
  for (let i = 0; i < outHeight; i++) {
    const lo = pass.first[i]!;
    const n = pass.count[i]!;
    const k = i * pass.taps;
    for (let c = 0; c < stride; c++) {
      let s = HALF;
      for (let y = 0; y < n; y++) s += rgb[(lo + y) * stride + c]! * pass.weights[k + y]!;
      out[i * stride + c] = clip8(s);
    }
  }
  return out;
}

/** Sums stay below 2^31, so the shift is exact; Pillow clips the shifted value to 0..255. */
function clip8(sum: number): number {
  const v = sum >> PRECISION_BITS;
  return Math.min(255, Math.max(0, v));
}
