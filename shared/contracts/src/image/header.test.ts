import { describe, expect, it } from "vitest";
import { ImageError } from "./errors.ts";
import { checkImageLimits, readImageHeader } from "./header.ts";

function bytes(...parts: (number[] | string)[]): Uint8Array {
  return Uint8Array.from(
    parts.flatMap((p) => (typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p)),
  );
}
const u16be = (v: number) => [v >> 8, v & 0xff];
const u32be = (v: number) => [v >>> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
const u16le = (v: number) => [v & 0xff, v >> 8];
const u24le = (v: number) => [v & 0xff, (v >> 8) & 0xff, v >> 16];
const u32le = (v: number) => [...u16le(v & 0xffff), ...u16le(v >>> 16)];

/** Signature and IHDR only: no image data, so decoding it can only fail. */
function pngHeader(width: number, height: number): Uint8Array {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return bytes(signature, u32be(13), "IHDR", u32be(width), u32be(height), [8, 2, 0, 0, 0], u32be(0));
}

function segment(marker: number, payload: number[]): number[] {
  return [0xff, marker, ...u16be(payload.length + 2), ...payload];
}

/** SOI, the usual segments before the frame (APP0, APP1, DQT, DHT, DAC), then a frame header. */
function jpegHeader(width: number, height: number, sof = 0xc0): Uint8Array {
  return bytes(
    [0xff, 0xd8],
    segment(0xe0, [...bytes("JFIF"), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    segment(0xe1, [...bytes("Exif"), 0, 0, ...new Array(40).fill(0xc0)]),
    segment(0xdb, new Array(65).fill(1)),
    [0xff, 0xff, 0xff], // fill bytes before a marker
    segment(0xc4, new Array(20).fill(0xc0)),
    segment(0xcc, [0x10, 0x11]),
    segment(sof, [8, ...u16be(height), ...u16be(width), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]),
  );
}

function webp(chunk: string, payload: number[]): Uint8Array {
  return bytes("RIFF", u32le(4 + 8 + payload.length), "WEBP", chunk, u32le(payload.length), payload);
}
const vp8 = (w: number, h: number) =>
  webp("VP8 ", [0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, ...u16le(w), ...u16le(h)]);
const vp8l = (w: number, h: number) =>
  webp("VP8L", [0x2f, ...u32le((w - 1) | ((h - 1) << 14) | (1 << 28)), 0, 0, 0]);
const vp8x = (w: number, h: number) => webp("VP8X", [0x10, 0, 0, 0, ...u24le(w - 1), ...u24le(h - 1)]);

function errorOf(action: () => unknown): ImageError {
  try {
    action();
  } catch (error) {
    if (error instanceof ImageError) return error;
    throw error;
  }
  throw new Error("no ImageError thrown");
}

describe("readImageHeader", () => {
  it("reads a PNG's IHDR from its first 24 bytes", () => {
    expect(readImageHeader(pngHeader(640, 480).subarray(0, 24))).toEqual({
      format: "png",
      width: 640,
      height: 480,
    });
  });

  it.each([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf])(
    "walks a JPEG's segments to its SOF marker 0x%s",
    (sof) => {
      expect(readImageHeader(jpegHeader(1024, 768, sof))).toEqual({
        format: "jpeg",
        width: 1024,
        height: 768,
      });
    },
  );

  it("reads WebP lossy (VP8), lossless (VP8L) and extended (VP8X) headers from 30 bytes", () => {
    expect(readImageHeader(vp8(300, 200).subarray(0, 30))).toEqual({
      format: "webp",
      width: 300,
      height: 200,
    });
    expect(readImageHeader(vp8l(16383, 1).subarray(0, 30))).toEqual({
      format: "webp",
      width: 16383,
      height: 1,
    });
    expect(readImageHeader(vp8x(20000, 3).subarray(0, 30))).toEqual({
      format: "webp",
      width: 20000,
      height: 3,
    });
  });

  it("ignores the VP8 scaling bits above the 14-bit size", () => {
    expect(readImageHeader(vp8(0xc000 | 300, 0x4000 | 200))).toMatchObject({ width: 300, height: 200 });
  });

  it.each([
    ["nothing", new Uint8Array(0)],
    ["half a PNG signature", pngHeader(1, 1).subarray(0, 4)],
    ["a PNG cut inside IHDR", pngHeader(1, 1).subarray(0, 20)],
    ["a JPEG cut before its frame header", jpegHeader(10, 10).subarray(0, 100)],
    ["a JPEG cut inside its frame header", jpegHeader(10, 10).subarray(0, -12)],
    ["a bare RIFF", bytes("RIFF")],
    ["a WebP cut inside VP8X", vp8x(10, 10).subarray(0, 26)],
  ])("says truncated for %s", (_, input) => {
    expect(errorOf(() => readImageHeader(input)).code).toBe("truncated");
  });

  it.each([
    [
      "a PNG whose first chunk is not IHDR",
      bytes([...pngHeader(1, 1).subarray(0, 12)], "IDAT", new Array(20).fill(0)),
    ],
    ["a JPEG whose scan starts before any frame header", bytes([0xff, 0xd8], segment(0xda, [1, 2, 3]))],
    ["a JPEG segment with length 1", bytes([0xff, 0xd8, 0xff, 0xe0, 0, 1, 0, 0])],
    ["a PNG of width 0", pngHeader(0, 10)],
    ["a JPEG of height 0 (set later by DNL)", jpegHeader(10, 0)],
    ["a WebP with an unknown first chunk", webp("ALPH", new Array(20).fill(0))],
    ["a VP8 frame that is not a key frame", webp("VP8 ", [0x51, 0x02, 0x00, 0x9d, 0x01, 0x2a, 1, 0, 1, 0])],
    ["a VP8L stream with a bad signature", webp("VP8L", [0x2e, 0, 0, 0, 0, 0, 0, 0, 0, 0])],
  ])("says corrupt for %s", (_, input) => {
    expect(errorOf(() => readImageHeader(input)).code).toBe("corrupt");
  });

  it("says unsupported_format for random bytes, GIF and a RIFF that is not WebP", () => {
    let seed = 12345;
    const random = Uint8Array.from({ length: 4096 }, () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    });
    for (const input of [random, bytes("GIF89a", [1, 0, 1, 0]), bytes("RIFF", u32le(4), "WAVEfmt ")]) {
      const error = errorOf(() => readImageHeader(input));
      expect(error.code).toBe("unsupported_format");
      expect(error.message).toBe("image is not a PNG, JPEG or WebP file");
    }
  });
});

describe("checkImageLimits", () => {
  it("refuses a side over the limit, saying so in one line", () => {
    const error = errorOf(() => checkImageLimits({ format: "png", width: 20000, height: 300 }));
    expect(error).toMatchObject({
      code: "too_large",
      message: "image is 20000×300: a side over 8192 pixels",
    });
  });

  it("refuses too many pixels", () => {
    const error = errorOf(() => checkImageLimits(readImageHeader(pngHeader(5000, 5000))));
    expect(error).toMatchObject({ code: "too_large", message: "image is 5000×5000: over 16000000 pixels" });
  });

  it("accepts images at the limits and takes other limits", () => {
    expect(() => checkImageLimits({ format: "jpeg", width: 8192, height: 1953 })).not.toThrow();
    expect(() => checkImageLimits({ format: "jpeg", width: 600, height: 400 }, { maxSide: 512 })).toThrow(
      "a side over 512 pixels",
    );
    expect(() => checkImageLimits({ format: "jpeg", width: 600, height: 400 }, { maxPixels: 1000 })).toThrow(
      "over 1000 pixels",
    );
  });
});
