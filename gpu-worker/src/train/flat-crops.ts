/**
 * @module Finds images that training's random crop can turn into a flat patch of one colour. A flat
 * input makes every instance norm divide float32 rounding noise by sqrt(eps) (×316 per norm): the
 * generator's gradients then reach 1e23 and the run turns to NaN. The official loop would do the same,
 * so the demo's data preparation leaves such images out instead.
 */
import { CROP_MARGIN } from "./dataset.ts";

/** Summed-area table of one channel (size + 1)², of values or their squares. */
function integral(rgb: Uint8Array, side: number, channel: number, square: boolean): Float64Array {
  const table = new Float64Array((side + 1) * (side + 1));
  for (let y = 0; y < side; y++) {
    let row = 0;
    for (let x = 0; x < side; x++) {
      const v = rgb[(y * side + x) * 3 + channel] as number;
      row += square ? v * v : v;
      table[(y + 1) * (side + 1) + x + 1] = (table[y * (side + 1) + x + 1] as number) + row;
    }
  }
  return table;
}

function boxSum(table: Float64Array, side: number, top: number, left: number, crop: number): number {
  const w = side + 1;
  const at = (y: number, x: number) => table[y * w + x] as number;
  return at(top + crop, left + crop) - at(top, left + crop) - at(top + crop, left) + at(top, left);
}

/**
 * The smallest standard deviation (in 0–255 levels, the largest over the three channels) of any
 * crop×crop window of an RGB image `side`² (HWC). Every window position is checked.
 */
export function flattestCropDeviation(rgb: Uint8Array, side: number, crop: number): number {
  const tables = [0, 1, 2].map((c) => [integral(rgb, side, c, false), integral(rgb, side, c, true)] as const);
  const n = crop * crop;
  let flattest = Number.POSITIVE_INFINITY;
  for (let top = 0; top + crop <= side; top++) {
    for (let left = 0; left + crop <= side; left++) {
      let deviation = 0;
      for (const [sum, squares] of tables) {
        const mean = boxSum(sum, side, top, left, crop) / n;
        const variance = Math.max(0, boxSum(squares, side, top, left, crop) / n - mean * mean);
        deviation = Math.max(deviation, Math.sqrt(variance));
      }
      flattest = Math.min(flattest, deviation);
    }
  }
  return flattest;
}

/** Levels of deviation under which a training crop counts as flat. */
export const FLAT_DEVIATION = 4;

/** True when an image resized to (size + 30)² has a size² crop flatter than `FLAT_DEVIATION`. */
export function hasFlatCrop(resized: Uint8Array, size: number): boolean {
  return flattestCropDeviation(resized, size + CROP_MARGIN, size) < FLAT_DEVIATION;
}
