/**
 * @module The official CAM heatmap picture (`cam()` in UGATIT-pytorch utils.py):
 * h − min, / max, uint8(255·h), cv2.resize INTER_LINEAR, cv2.applyColorMap JET, bit-exact with OpenCV.
 */

import { roundHalfToEven } from "./round.ts";

/** OpenCV's INTER_RESIZE_COEF_BITS: bilinear weights are 11-bit fixed point. */
const COEF_BITS = 11;
const COEF_ONE = 1 << COEF_BITS;

/**
 * A square attention heatmap (float32, `side × side`, row-major) to a `size × size` RGB picture.
 *
 * @example
 * const rgb = heatmapToRgb(heatmap, 64, 256); // [256, 256, 3]
 */
export function heatmapToRgb(h: Float32Array, side: number, size: number): Uint8Array {
  if (h.length !== side * side) {
    throw new RangeError(`heatmapToRgb: ${h.length} values is not a ${side}×${side} heatmap`);
  }
  if (!(size >= 1)) throw new RangeError(`heatmapToRgb: cannot draw a ${size}×${size} picture`);
  const gray = resizeLikeOpenCv(normalizeToBytes(h), side, size);
  const out = new Uint8Array(size * size * 3);
  for (let i = 0; i < gray.length; i++) out.set(JET[gray[i]!]!, i * 3);
  return out;
}

/** NumPy's float32 `np.uint8(255 * (h - min) / max)`; a constant heatmap (0 / 0) draws as zeros. */
function normalizeToBytes(h: Float32Array): Uint8Array {
  let min = Number.POSITIVE_INFINITY;
  for (const v of h) min = Math.min(min, v);
  let max = Number.NEGATIVE_INFINITY;
  for (const v of h) max = Math.max(max, Math.fround(v - min));
  const out = new Uint8Array(h.length);
  if (!(max > 0)) return out;
  for (let i = 0; i < h.length; i++) {
    out[i] = Math.trunc(Math.fround(255 * Math.fround(Math.fround(h[i]! - min) / max)));
  }
  return out;
}

/** `cv2.resize(x, (size, size))` of a square uint8 image, with the shortcuts cv2 takes for 1× and ½×. */
function resizeLikeOpenCv(src: Uint8Array, side: number, size: number): Uint8Array {
  if (size === side) return src;
  if (side === size * 2) return halveByAveraging(src, size);
  const taps = linearTaps(side, size);
  // Horizontal pass into 11-bit fixed point; at the borders cv2 repeats the edge pixel.
  const rows = new Int32Array(side * size);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < size; x++) {
      const s = taps.first[x]!;
      const p = y * side + s;
      rows[y * size + x] =
        s < 0
          ? src[y * side]! * COEF_ONE
          : s >= side - 1
            ? src[y * side + side - 1]! * COEF_ONE
            : src[p]! * taps.w0[x]! + src[p + 1]! * taps.w1[x]!;
    }
  }
  // Vertical pass; here cv2 clamps the rows it reads but keeps the unclamped weights, and its SIMD code
  // blends 16-bit values, truncating each product, on every pixel (checked on an SSE2-baseline build).
  const out = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    const row0 = clampRow(taps.first[y]!, side) * size;
    const row1 = clampRow(taps.first[y]! + 1, side) * size;
    const b0 = taps.w0[y]!;
    const b1 = taps.w1[y]!;
    for (let x = 0; x < size; x++) {
      const v = ((((rows[row0 + x]! >> 4) * b0) >> 16) + (((rows[row1 + x]! >> 4) * b1) >> 16) + 2) >> 2;
      out[y * size + x] = Math.min(v, 255);
    }
  }
  return out;
}

/** cv2 turns an exact ½× INTER_LINEAR into INTER_AREA: the rounded mean of each 2×2 block. */
function halveByAveraging(src: Uint8Array, size: number): Uint8Array {
  const side = size * 2;
  const out = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const s = y * 2 * side + x * 2;
      out[y * size + x] = (src[s]! + src[s + 1]! + src[s + side]! + src[s + side + 1]! + 2) >> 2;
    }
  }
  return out;
}

/** First source pixel and its two 11-bit weights per output pixel: half-pixel centres, in float32 like cv2. */
function linearTaps(inSize: number, outSize: number) {
  const scale = 1 / (outSize / inSize);
  const first = new Int32Array(outSize);
  const w0 = new Int32Array(outSize);
  const w1 = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const f = Math.fround((i + 0.5) * scale - 0.5);
    const s = Math.floor(f);
    const frac = Math.fround(f - s);
    first[i] = s;
    w0[i] = roundHalfToEven(Math.fround(1 - frac) * COEF_ONE);
    w1[i] = roundHalfToEven(frac * COEF_ONE);
  }
  return { first, w0, w1 };
}

function clampRow(row: number, rows: number): number {
  return row < 0 ? 0 : row >= rows ? rows - 1 : row;
}

/** OpenCV's COLORMAP_JET as RGB: per channel a trapezoid rising and falling by 4 per level, within 0..255. */
const JET: readonly (readonly [number, number, number])[] = Array.from({ length: 256 }, (_, i) => {
  const ramp = (rise: number, fall: number) => Math.max(0, Math.min(255, rise + 4 * i, fall - 4 * i));
  // OpenCV's float table rounds this one blue entry down.
  const blue = i === 159 ? 1 : ramp(128, 638);
  return [ramp(-382, 1148), ramp(-128, 892), blue] as const;
});
