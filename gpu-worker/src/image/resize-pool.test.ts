import { readFileSync } from "node:fs";
import { resizeBilinear } from "@ugatit/contracts/image";
import { afterAll, describe, expect, it } from "vitest";
import { decodeImage } from "./codec.ts";
import { ResizePool } from "./resize-pool.ts";

const PARITY = new URL("../../../test/fixtures/ugatit-parity/", import.meta.url);
const pool = new ResizePool(2);
afterAll(() => pool.close());

describe("ResizePool", () => {
  it("gives the bytes resizeBilinear gives, for a real photo shrunk, stretched and cropped", async () => {
    const photo = await decodeImage(readFileSync(new URL("light64_a_in.png", PARITY)));
    for (const [w, h] of [
      [64, 64],
      [256, 256],
      [37, 91],
    ] as const) {
      const expected = resizeBilinear(photo.data, photo.width, photo.height, w, h);
      expect(await pool.resize(photo.data, photo.width, photo.height, w, h)).toEqual(expected);
    }
  });

  it("answers many resizes at once on its two threads, each to its own caller", async () => {
    const images = Array.from({ length: 8 }, (_, k) =>
      Uint8Array.from({ length: 40 * 30 * 3 }, (_, i) => (i * (k + 3)) & 255),
    );
    const out = await Promise.all(images.map((rgb) => pool.resize(rgb, 40, 30, 16, 16)));
    out.forEach((rgb, k) => {
      expect(rgb).toEqual(resizeBilinear(images[k]!, 40, 30, 16, 16));
    });
  });

  it("passes resizeBilinear's refusal back as a RangeError, and keeps working", async () => {
    await expect(pool.resize(new Uint8Array(10), 4, 4, 2, 2)).rejects.toThrow(/is not 4×4 RGB/);
    expect(await pool.resize(new Uint8Array(4 * 4 * 3), 4, 4, 2, 2)).toEqual(new Uint8Array(12));
  });
});
