import { describe, expect, it } from "vitest";
import { toChannelsFirst, toChannelsLast } from "./layout.ts";

describe("channel layout", () => {
  // two images of two pixels, RGB: image b, pixel p, channel k holds 100b + 10p + k
  const nhwc = Float32Array.from([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112]);
  const nchw = Float32Array.from([0, 10, 1, 11, 2, 12, 100, 110, 101, 111, 102, 112]);

  it("puts each channel's plane together, per image, and back", () => {
    expect([...toChannelsFirst(nhwc, 2, 2, 3)]).toEqual([...nchw]);
    expect([...toChannelsLast(nchw, 2, 2, 3)]).toEqual([...nhwc]);
  });

  it("refuses a buffer of another size", () => {
    expect(() => toChannelsFirst(nhwc, 2, 3, 3)).toThrow(RangeError);
  });
});
