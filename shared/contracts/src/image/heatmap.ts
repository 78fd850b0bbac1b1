/**
 * @module The official CAM heatmap picture (`cam()` in UGATIT-pytorch utils.py):
 * h − min, / max, uint8(255·h), cv2.resize INTER_LINEAR, cv2.applyColorMap JET, bit-exact with OpenCV.
 */

import { resizeBilinearCv2 } from "./resize-cv2.ts";

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
  const gray = resizeBilinearCv2(normalizeToBytes(h), side, side, size, size, 1);
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

/** OpenCV's COLORMAP_JET as RGB: per channel a trapezoid rising and falling by 4 per level, within 0..255. */
const JET: readonly (readonly [number, number, number])[] = Array.from({ length: 256 }, (_, i) => {
  const ramp = (rise: number, fall: number) => Math.max(0, Math.min(255, rise + 4 * i, fall - 4 * i));
  // OpenCV's float table rounds this one blue entry down.
  const blue = i === 159 ? 1 : ramp(128, 638);
  return [ramp(-382, 1148), ramp(-128, 892), blue] as const;
});
