import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { type ImageError, readImageHeader, resizeBilinear } from "@ugatit/contracts/image";
import sharp, { type Sharp } from "sharp";
import { describe, expect, it } from "vitest";
import { decodeImage, encodeImage, formatFromPath } from "./codec.ts";

const FIXTURES = new URL("../../../test/fixtures/", import.meta.url);

interface DecodeCase {
  name: string;
  pilMode: string;
  width: number;
  height: number;
  file: string;
  rgb: string;
  notPil?: string;
}

/** A 64×48 RGB test card with smooth ramps and hard edges. */
const WIDTH = 64;
const HEIGHT = 48;
const CARD = Uint8Array.from({ length: WIDTH * HEIGHT * 3 }, (_, i) => {
  const x = Math.floor(i / 3) % WIDTH;
  const y = Math.floor(i / 3 / WIDTH);
  return (x * 4 + y * 2 + (i % 3) * 70 + (x > 40 ? 90 : 0)) & 255;
});

function card(channels: 3 | 4 = 3): Sharp {
  const raw = { width: WIDTH, height: HEIGHT, channels: 3 } as const;
  const image = sharp(CARD, { raw });
  return channels === 4 ? image.ensureAlpha(0.5) : image;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function meanAbsDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

async function decodeError(bytes: Uint8Array, limits = {}): Promise<ImageError> {
  const error = await decodeImage(bytes, limits).then(
    () => expect.unreachable("decoded"),
    (e: unknown) => e as ImageError,
  );
  expect(error.name).toBe("ImageError");
  expect(error.message).not.toContain("\n");
  return error;
}

/** PNG signature and IHDR, no pixel data: anything that tried to decode it would fail differently. */
function pngHeaderOnly(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  const view = new DataView(bytes.buffer);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 2, 0, 0, 0], 24);
  return bytes;
}

describe("readImageHeader on files sharp writes", () => {
  it.each([
    ["PNG", () => card().png(), "png", 33],
    ["baseline JPEG", () => card().jpeg(), "jpeg", undefined],
    ["progressive JPEG", () => card().jpeg({ progressive: true }), "jpeg", undefined],
    ["lossy WebP (VP8)", () => card().webp(), "webp", 30],
    ["lossless WebP (VP8L)", () => card().webp({ lossless: true }), "webp", 30],
    ["WebP with alpha (VP8X)", () => card(4).webp(), "webp", 30],
  ] as const)("reads a %s", async (_, make, format, prefix) => {
    const file = await make().toBuffer();
    expect(readImageHeader(file.subarray(0, prefix))).toEqual({ format, width: WIDTH, height: HEIGHT });
  });

  it("sees the VP8X chunk first in a WebP with alpha", async () => {
    const file = await card(4).webp().toBuffer();
    expect(file.subarray(12, 16).toString("latin1")).toBe("VP8X");
  });
});

describe("decodeImage", () => {
  const { cases } = JSON.parse(readFileSync(new URL("image/decode_reference.json", FIXTURES), "utf8")) as {
    cases: DecodeCase[];
  };

  async function expectReferencePixels(c: DecodeCase) {
    const image = await decodeImage(Buffer.from(c.file, "base64"));
    expect({ width: image.width, height: image.height }).toEqual({ width: c.width, height: c.height });
    expect(image.data).toEqual(new Uint8Array(Buffer.from(c.rgb, "base64")));
  }

  it.each(cases.filter((c) => c.notPil === undefined))(
    "gives PIL's convert('RGB') pixels for $name (PIL mode $pilMode)",
    expectReferencePixels,
  );

  it.each(cases.filter((c) => c.notPil !== undefined))(
    "differs from PIL on $name: $notPil",
    expectReferencePixels,
  );

  it.each([
    [
      "full64_a_in.png",
      "9467e28cadd2a4ed2ef23c0c09b031e4b80ee394925d66059eda00c8f6946c2d",
      "8ee6bef25db480b5cb6ecfbe938eebfc5c0b10057c31b2c2f5c8c32feead46eb",
    ],
    [
      "full64_b_in.png",
      "881a01af290264abcadee236aff4fa666038afc22c1d44c132a4e26d368e7140",
      "23da67faae8e5c1760b2b00b90372af1abeacbe305032f98bfb82267e5c581a4",
    ],
    [
      "light64_a_in.png",
      "c0e1d8b0323a0cd307a698e252943cf9cde2c8d988d21e3fcd95e18d6eed8a48",
      "d4e5535218e1bc156947897feed4e6bb559f453e5cbaa45f69e8ebbaece5d60b",
    ],
    [
      "light64_b_in.png",
      "249a6bb50723415b4694d0cbe79d904f4265e5b8dd5475490807db49df783fbc",
      "9fce73264ac160813cf0495f8789423c739425d39949fbbe95a9f30e3d0d21dc",
    ],
  ])(
    "reads the parity input %s as PIL does, and resizes it to 256² as PIL does",
    async (name, rgb, resized) => {
      const image = await decodeImage(readFileSync(new URL(`ugatit-parity/${name}`, FIXTURES)));
      expect(sha256(image.data)).toBe(rgb);
      expect(sha256(resizeBilinear(image.data, image.width, image.height, 256, 256))).toBe(resized);
    },
  );

  it("does not rotate by the EXIF orientation, as PIL does not", async () => {
    const file = await card().jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(await decodeImage(file)).toMatchObject({ width: WIDTH, height: HEIGHT });
  });

  it("converts a CMYK JPEG to RGB through a CMYK profile", async () => {
    const file = await card().toColourspace("cmyk").jpeg({ quality: 100 }).toBuffer();
    const image = await decodeImage(file);
    expect(image.data.length).toBe(WIDTH * HEIGHT * 3);
    // Through sRGB → CMYK → sRGB profiles; an inverted or naive conversion would be off by about 130.
    expect(meanAbsDifference(image.data, CARD)).toBeLessThan(20);
  });

  it.each([
    ["a side over the limit", 20000, 10, "image is 20000×10: a side over 8192 pixels"],
    ["too many pixels", 5000, 5000, "image is 5000×5000: over 16000000 pixels"],
  ])("refuses %s from the header alone", async (_, width, height, message) => {
    expect(await decodeError(pngHeaderOnly(width, height))).toMatchObject({ code: "too_large", message });
  });

  it("would fail differently had it decoded a header-only file", async () => {
    expect((await decodeError(pngHeaderOnly(100, 100))).code).toBe("truncated");
  });

  it("takes other limits", async () => {
    const file = await card().png().toBuffer();
    expect(await decodeError(file, { maxSide: 50 })).toMatchObject({ code: "too_large" });
    expect(await decodeError(file, { maxPixels: 3000 })).toMatchObject({ code: "too_large" });
  });

  it.each([
    ["PNG", () => card().png()],
    ["baseline JPEG", () => card().jpeg()],
    ["progressive JPEG", () => card().jpeg({ progressive: true })],
    ["lossy WebP", () => card().webp()],
    ["lossless WebP", () => card().webp({ lossless: true })],
  ])("says truncated for a %s cut in half", async (name, make) => {
    const file = await make().toBuffer();
    const error = await decodeError(file.subarray(0, file.length >> 1));
    expect(error).toMatchObject({ code: "truncated", message: `${name.split(" ").at(-1)} is truncated` });
  });

  it.each([
    ["PNG", () => card().png(), (file: Buffer) => file.indexOf("IDAT") + 20],
    ["lossless WebP", () => card().webp({ lossless: true }), () => 25],
  ])("says corrupt for a %s with damaged pixel data, in one line", async (_, make, dataStart) => {
    const file = Buffer.from(await make().toBuffer());
    const start = dataStart(file);
    for (let i = start; i < start + 25; i++) file[i]! ^= 0x5a;
    const error = await decodeError(file);
    expect(error.code).toBe("corrupt");
    expect(error.message).toMatch(/^(PNG|WebP) cannot be decoded: /);
  });

  it("says unsupported_format for a GIF, without decoding it", async () => {
    const gif = await card().gif().toBuffer();
    expect((await decodeError(gif)).code).toBe("unsupported_format");
  });
});

describe("encodeImage", () => {
  it("writes PNG losslessly", async () => {
    const png = await encodeImage(CARD, WIDTH, HEIGHT, "png");
    expect(readImageHeader(png)).toEqual({ format: "png", width: WIDTH, height: HEIGHT });
    expect((await decodeImage(new Uint8Array(png))).data).toEqual(CARD);
  });

  it("writes lossless WebP when asked", async () => {
    const webp = await encodeImage(CARD, WIDTH, HEIGHT, "webp", { lossless: true });
    expect((await decodeImage(webp)).data).toEqual(CARD);
  });

  it.each([
    ["jpeg", 3],
    ["webp", 7],
  ] as const)("writes %s at quality 95 by default, close to the input", async (format, tolerance) => {
    const file = await encodeImage(CARD, WIDTH, HEIGHT, format);
    const image = await decodeImage(file);
    expect(image).toMatchObject({ format, width: WIDTH, height: HEIGHT });
    expect(meanAbsDifference(image.data, CARD)).toBeLessThan(tolerance);
    const rough = await encodeImage(CARD, WIDTH, HEIGHT, format, { quality: 30 });
    expect(rough.length).toBeLessThan(file.length);
  });

  it("refuses a buffer that does not hold width × height RGB pixels", async () => {
    await expect(encodeImage(new Uint8Array(5), 2, 2, "png")).rejects.toThrow(RangeError);
  });
});

describe("formatFromPath", () => {
  it.each([
    ["out.png", "png"],
    ["dir.v2/cat.JPG", "jpeg"],
    ["cat.jpeg", "jpeg"],
    ["/tmp/x.webp", "webp"],
  ])("reads %s as %s", (path, format) => {
    expect(formatFromPath(path)).toBe(format);
  });

  it.each(["cat.gif", "cat", "archive.png/", ".png.bak"])("refuses %s", (path) => {
    expect(() => formatFromPath(path)).toThrow(expect.objectContaining({ code: "unsupported_format" }));
  });
});
