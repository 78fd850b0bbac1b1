import { heatmapToRgb, resizeBilinear, rgbToModelInput } from "@ugatit/contracts/image";
import { describe, expect, it } from "vitest";
import { fromModelOutputs, toModelInput } from "./model-io.ts";

/** A width × height RGBA picture whose pixel p is (p, 2p, 3p) with alpha 7 (to be ignored). */
function picture(width: number, height: number) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([p, 2 * p, 3 * p, 7], p * 4);
  return { width, height, data };
}

describe("toModelInput", () => {
  it("drops alpha and lays the normalised channels out as planes, [1, 3, size, size]", () => {
    const input = toModelInput(picture(2, 2), 2);
    const x = (v: number) => Math.fround(Math.fround(v / 127.5) - 1);
    expect([...input]).toEqual([0, 1, 2, 3, 0, 2, 4, 6, 0, 3, 6, 9].map(x));
  });

  it("resizes another size whole with the shared PIL-exact filter, as the worker's `fit` does", () => {
    const input = toModelInput(picture(5, 3), 4);
    const rgb = new Uint8Array(5 * 3 * 3);
    for (let p = 0; p < 15; p++) rgb.set([p, 2 * p, 3 * p], p * 3);
    const hwc = rgbToModelInput(resizeBilinear(rgb, 5, 3, 4, 4), 4, 4);
    expect(input.length).toBe(3 * 16);
    for (let p = 0; p < 16; p++) for (let c = 0; c < 3; c++) expect(input[c * 16 + p]).toBe(hwc[p * 3 + c]);
  });

  it("refuses pixels that are not width × height RGBA", () => {
    expect(() => toModelInput({ width: 2, height: 2, data: new Uint8ClampedArray(12) }, 2)).toThrow(
      RangeError,
    );
  });
});

describe("fromModelOutputs", () => {
  it("draws the translation as the worker saves it, and the official heatmap, both opaque", () => {
    const size = 4;
    // channel c of every pixel holds -1, 0 and 1 (→ 0, 128, 255, rounded as the official code does)
    const image = Float32Array.from({ length: 3 * 16 }, (_, i) => Math.floor(i / 16) - 1);
    const heatmap = Float32Array.from([0.5]);
    const drawn = fromModelOutputs(image, Float32Array.from([0.25, -1.5]), heatmap, size);
    expect(drawn.camLogit).toEqual([0.25, -1.5]);
    expect([...drawn.image.data.subarray(0, 8)]).toEqual([0, 128, 255, 255, 0, 128, 255, 255]);
    const rgb = heatmapToRgb(heatmap, 1, size);
    expect([...drawn.heatmap.data.subarray(0, 4)]).toEqual([...rgb.subarray(0, 3), 255]);
    expect([drawn.image.width, drawn.heatmap.height]).toEqual([4, 4]);
  });
});
