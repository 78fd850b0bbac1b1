/** @module Decoding uploads to RGB the way the official code's PIL does, and encoding results, with sharp. */

import {
  checkImageLimits,
  DEFAULT_IMAGE_LIMITS,
  IMAGE_FORMAT_NAMES,
  ImageError,
  type ImageFormat,
  type ImageLimits,
  readImageHeader,
} from "@ugatit/contracts/image";
import sharp from "sharp";

// One libvips thread per image: the worker decodes several small images at once and needs the cores for
// inference; caching decoded uploads, each seen once, would only hold memory.
sharp.concurrency(1);
sharp.cache(false);

export interface DecodedImage {
  format: ImageFormat;
  width: number;
  height: number;
  /** Interleaved 8-bit RGB, row-major. */
  data: Uint8Array;
  /** The EXIF orientation (1–8) the pixels are still stored in: 1 when the file has none or it was applied. */
  orientation: number;
}

export interface DecodeOptions {
  /** Turn the image upright by its EXIF orientation (framings that find or cut a region: the box is upright). */
  orient?: boolean;
}

export interface EncodeOptions {
  /** JPEG and WebP quality, 1..100. Default 95. */
  quality?: number;
  /** Lossless WebP. */
  lossless?: boolean;
}

const EXTENSIONS: Readonly<Record<string, ImageFormat>> = {
  png: "png",
  jpg: "jpeg",
  jpeg: "jpeg",
  webp: "webp",
};

/**
 * Decodes a PNG, JPEG or WebP to 8-bit RGB as PIL's `Image.open(f).convert("RGB")` does: alpha dropped
 * without compositing, grey and palette expanded, no EXIF rotation (unless `orient`), no ICC conversion.
 * Sizes are checked on the header before anything is decoded.
 *
 * @example
 * const { width, height, data } = await decodeImage(upload, { maxSide: 4096 });
 */
export async function decodeImage(
  bytes: Uint8Array,
  limits: ImageLimits = {},
  { orient = false }: DecodeOptions = {},
): Promise<DecodedImage> {
  const header = readImageHeader(bytes);
  checkImageLimits(header, limits);
  const image = sharp(bytes, {
    // PIL only refuses truncated or undecodable data; libjpeg warnings such as stray bytes pass.
    failOn: "error",
    limitInputPixels: limits.maxPixels ?? DEFAULT_IMAGE_LIMITS.maxPixels,
    ignoreIcc: true,
  });
  const { data, info } = await (orient ? image.rotate() : image)
    .removeAlpha()
    .toColourspace("srgb")
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((error: unknown) => {
      throw decodeError(bytes, header.format, error);
    });
  const orientation = orient ? 1 : ((await sharp(bytes).metadata()).orientation ?? 1);
  // Orientations 5 to 8 turn the image a quarter: its sides swap.
  const swapped = orient && info.width === header.height && info.height === header.width;
  if (!((info.width === header.width && info.height === header.height) || swapped) || info.channels !== 3) {
    throw new ImageError(
      "corrupt",
      `${IMAGE_FORMAT_NAMES[header.format]} header says ${header.width}×${header.height} but decodes to ${info.width}×${info.height}×${info.channels}`,
    );
  }
  return {
    format: header.format,
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    orientation,
  };
}

/**
 * Encodes 8-bit RGB: PNG lossless, JPEG and WebP at quality 95 unless told otherwise.
 *
 * @example
 * const png = await encodeImage(rgb, 256, 256, "png");
 */
export async function encodeImage(
  rgb: Uint8Array,
  width: number,
  height: number,
  format: ImageFormat,
  options: EncodeOptions = {},
): Promise<Buffer> {
  if (rgb.length !== width * height * 3) {
    throw new RangeError(`encodeImage: ${rgb.length} bytes is not ${width}×${height} RGB`);
  }
  const { quality = 95, lossless = false } = options;
  const image = sharp(rgb, { raw: { width, height, channels: 3 } });
  switch (format) {
    case "png":
      return image.png().toBuffer();
    // Full-resolution colour in JPEG and sharper chroma in WebP keep the colour edges of drawn styles.
    case "jpeg":
      return image.jpeg({ quality, chromaSubsampling: "4:4:4" }).toBuffer();
    case "webp":
      return image.webp({ quality, lossless, smartSubsample: true }).toBuffer();
  }
}

/**
 * The output format a file name asks for.
 *
 * @example
 * formatFromPath("out/cat.JPG"); // "jpeg"
 */
export function formatFromPath(path: string): ImageFormat {
  const extension = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  const format = extension === undefined ? undefined : EXTENSIONS[extension];
  if (format === undefined) {
    throw new ImageError(
      "unsupported_format",
      `cannot tell the image format of "${path}": use .png, .jpg, .jpeg or .webp`,
    );
  }
  return format;
}

/** libvips reports a cut-off PNG or WebP like any other error, so the container is checked for the end. */
function decodeError(bytes: Uint8Array, format: ImageFormat, cause: unknown): ImageError {
  const detail = (cause instanceof Error ? cause.message : String(cause)).split("\n")[0]!;
  const truncated =
    format === "png"
      ? !pngReachesEnd(bytes)
      : format === "webp"
        ? !riffComplete(bytes)
        : /premature end/i.test(detail);
  const name = IMAGE_FORMAT_NAMES[format];
  return truncated
    ? new ImageError("truncated", `${name} is truncated`, { cause })
    : new ImageError("corrupt", `${name} cannot be decoded: ${detail}`, { cause });
}

/** Walks the PNG chunks up to IEND. */
function pngReachesEnd(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  while (offset + 8 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = view.getUint32(offset + 4);
    offset += 12 + length;
    if (type === 0x49454e44) return offset <= bytes.length;
  }
  return false;
}

/** The RIFF header gives the file's length. */
function riffComplete(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return bytes.length >= 8 + view.getUint32(4, true);
}
