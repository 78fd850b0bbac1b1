import { describe, expect, it } from "vitest";
import { CROP_MARGIN } from "./dataset.ts";
import { FLAT_DEVIATION, flattestCropDeviation, hasFlatCrop } from "./flat-crops.ts";

function image(side: number, pixel: (x: number, y: number) => [number, number, number]): Uint8Array {
  const rgb = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) rgb.set(pixel(x, y), (y * side + x) * 3);
  return rgb;
}

/** The deviation of each crop computed directly, for comparison. */
function bruteForce(rgb: Uint8Array, side: number, crop: number): number {
  let flattest = Infinity;
  for (let top = 0; top + crop <= side; top++) {
    for (let left = 0; left + crop <= side; left++) {
      let worst = 0;
      for (let c = 0; c < 3; c++) {
        const values: number[] = [];
        for (let y = top; y < top + crop; y++)
          for (let x = left; x < left + crop; x++) values.push(rgb[(y * side + x) * 3 + c] as number);
        const mean = values.reduce((s, v) => s + v, 0) / values.length;
        worst = Math.max(worst, Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length));
      }
      flattest = Math.min(flattest, worst);
    }
  }
  return flattest;
}

describe("flattestCropDeviation", () => {
  it("matches a direct computation over every window", () => {
    const rgb = image(12, (x, y) => [
      (x * 37 + y * 11) % 256,
      (x * y * 7) % 256,
      x > 6 ? 200 : (y * 40) % 256,
    ]);
    expect(flattestCropDeviation(rgb, 12, 5)).toBeCloseTo(bruteForce(rgb, 12, 5), 6);
  });

  it("is zero for a solid colour and large for a checkerboard", () => {
    expect(
      flattestCropDeviation(
        image(20, () => [10, 120, 230]),
        20,
        8,
      ),
    ).toBe(0);
    expect(
      flattestCropDeviation(
        image(20, (x, y) => ((x + y) % 2 ? [0, 0, 0] : [255, 255, 255])),
        20,
        8,
      ),
    ).toBeGreaterThan(100);
  });
});

describe("hasFlatCrop", () => {
  const size = 16;
  const side = size + CROP_MARGIN;
  it("finds the flat corner a random crop can land on", () => {
    // detail only in the right third: a crop at the left edge sees a single colour
    const rgb = image(side, (x, y) => (x > side - 14 ? [(x * 50 + y * 30) % 256, 0, 0] : [30, 140, 220]));
    expect(hasFlatCrop(rgb, size)).toBe(true);
  });

  it("keeps an image whose every crop has detail", () => {
    const rgb = image(side, (x, y) => [(x * 13) % 256, (y * 17) % 256, ((x ^ y) * 5) % 256]);
    expect(flattestCropDeviation(rgb, side, size)).toBeGreaterThan(FLAT_DEVIATION);
    expect(hasFlatCrop(rgb, size)).toBe(false);
  });
});
