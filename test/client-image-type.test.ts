/** The client's copy of the file signatures agrees with @ugatit/contracts' readImageHeader, which the edge checks uploads with. */
import { sniffImageType } from "@ugatit/client";
import { readImageHeader } from "@ugatit/contracts/image";
import sharp from "sharp";
import { describe, expect, it } from "vitest";

const TYPES = { png: "image/png", jpeg: "image/jpeg", webp: "image/webp" } as const;

describe("sniffImageType", () => {
  for (const format of ["png", "jpeg", "webp"] as const) {
    it(`names a ${format} file as the edge reads it`, async () => {
      const bytes = await sharp({ create: { width: 8, height: 6, channels: 3, background: "#3a7" } })
        .toFormat(format)
        .toBuffer();
      expect(readImageHeader(bytes).format).toBe(format);
      expect(sniffImageType(bytes)).toBe(TYPES[format]);
    });
  }

  it("names nothing the edge would refuse: text, a GIF, a truncated PNG signature", () => {
    for (const bytes of [
      new TextEncoder().encode("plain text, no image"),
      new TextEncoder().encode("GIF89a\x01\x00\x01\x00"),
      new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
    ]) {
      expect(sniffImageType(bytes)).toBeUndefined();
      expect(() => readImageHeader(bytes)).toThrow();
    }
  });
});
