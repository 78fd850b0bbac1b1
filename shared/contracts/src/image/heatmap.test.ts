import { describe, expect, it } from "vitest";
import {
  comparable,
  type ExpectedBytes,
  float32FromBase64,
  readReference,
} from "../../../../test/helpers/image-reference.ts";
import { heatmapToRgb } from "./heatmap.ts";

interface HeatmapCase extends ExpectedBytes {
  name: string;
  side: number;
  size: number;
  heatmap: string;
}

describe("heatmapToRgb", () => {
  const { cases } = readReference<{ cases: HeatmapCase[] }>("heatmap_reference.json");

  it.each(cases)("gives the official cam() picture of $name ($side² → $size²)", (c) => {
    const out = heatmapToRgb(float32FromBase64(c.heatmap), c.side, c.size);
    expect(out.length).toBe(c.size * c.size * 3);
    const { actual, expected } = comparable(out, c);
    expect(actual).toEqual(expected);
  });

  it("draws the hottest point red and the coldest dark blue", () => {
    const out = heatmapToRgb(new Float32Array([0, 1, 1, 1]), 2, 2);
    expect([...out.subarray(0, 3)]).toEqual([0, 0, 128]);
    expect([...out.subarray(3, 6)]).toEqual([128, 0, 0]);
  });

  it("refuses a heatmap that is not side × side", () => {
    expect(() => heatmapToRgb(new Float32Array(5), 2, 8)).toThrow(RangeError);
  });
});
