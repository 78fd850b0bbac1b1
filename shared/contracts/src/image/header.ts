/** @module Format and size of an image from its first bytes, so that oversized uploads are refused before decoding. */

import { ImageError } from "./errors.ts";

export type ImageFormat = "png" | "jpeg" | "webp";

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

export interface ImageLimits {
  /** Longest allowed side in pixels. Default 8192. */
  maxSide?: number;
  /** Largest allowed width × height. Default 16,000,000. */
  maxPixels?: number;
}

/** How messages name each format. */
export const IMAGE_FORMAT_NAMES: Readonly<Record<ImageFormat, string>> = {
  png: "PNG",
  jpeg: "JPEG",
  webp: "WebP",
};

/** What checkImageLimits allows when not told otherwise. */
export const DEFAULT_IMAGE_LIMITS: Readonly<Required<ImageLimits>> = { maxSide: 8192, maxPixels: 16_000_000 };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
/** "RIFF", any 4-byte size, "WEBP". */
const WEBP_SIGNATURE = [0x52, 0x49, 0x46, 0x46, -1, -1, -1, -1, 0x57, 0x45, 0x42, 0x50];

const READERS = [
  [PNG_SIGNATURE, readPngHeader],
  [JPEG_SIGNATURE, readJpegHeader],
  [WEBP_SIGNATURE, readWebpHeader],
] as const;

/**
 * Reads the format and the dimensions of a PNG, JPEG or WebP image without decoding it.
 * PNG and WebP need their first 30 bytes; JPEG needs everything up to its SOF segment.
 *
 * @example
 * const { format, width, height } = readImageHeader(firstBytes);
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  if (bytes.length === 0) throw new ImageError("truncated", "image is empty");
  for (const [signature, read] of READERS) {
    if (!matchesSignature(bytes, signature)) continue;
    if (bytes.length < signature.length) {
      throw new ImageError("truncated", `image is truncated: only ${bytes.length} bytes`);
    }
    return read(bytes);
  }
  throw new ImageError("unsupported_format", "image is not a PNG, JPEG or WebP file");
}

/**
 * Refuses images too large to process.
 *
 * @example
 * checkImageLimits(readImageHeader(bytes), { maxSide: 4096 });
 */
export function checkImageLimits(header: ImageHeader, limits: ImageLimits = {}): void {
  const { maxSide, maxPixels } = { ...DEFAULT_IMAGE_LIMITS, ...limits };
  const { width, height } = header;
  if (width > maxSide || height > maxSide) {
    throw new ImageError("too_large", `image is ${width}×${height}: a side over ${maxSide} pixels`);
  }
  if (width * height > maxPixels) {
    throw new ImageError("too_large", `image is ${width}×${height}: over ${maxPixels} pixels`);
  }
}

/** Signature, then the IHDR chunk, which the PNG spec requires to come first. */
function readPngHeader(bytes: Uint8Array): ImageHeader {
  const view = viewOf(bytes, 24, "PNG");
  if (view.getUint32(8) !== 13 || ascii(bytes, 12, 4) !== "IHDR") {
    throw new ImageError("corrupt", "PNG has no IHDR chunk first");
  }
  return sized("png", view.getUint32(16), view.getUint32(20));
}

/** Walks the segments after SOI up to the first start-of-frame marker. */
function readJpegHeader(bytes: Uint8Array): ImageHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 2;
  for (;;) {
    // Like libjpeg and PIL, skip stray bytes and 0xFF fill bytes before a marker.
    while (offset < bytes.length && bytes[offset] !== 0xff) offset += 1;
    while (offset < bytes.length && bytes[offset] === 0xff) offset += 1;
    if (offset >= bytes.length) throw jpegTruncated();
    const marker = bytes[offset]!;
    offset += 1;
    if (marker === 0x00 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (marker === 0xd8 || marker === 0xd9 || marker === 0xda) {
      throw new ImageError("corrupt", `JPEG has no frame header before marker 0xFF${hex(marker)}`);
    }
    if (offset + 2 > bytes.length) throw jpegTruncated();
    const length = view.getUint16(offset);
    if (length < 2) throw new ImageError("corrupt", `JPEG segment 0xFF${hex(marker)} has length ${length}`);
    if (isStartOfFrame(marker)) {
      if (offset + 7 > bytes.length) throw jpegTruncated();
      return sized("jpeg", view.getUint16(offset + 5), view.getUint16(offset + 3));
    }
    offset += length;
  }
}

/** SOF0..SOF15 are 0xC0..0xCF, except DHT (0xC4), JPG (0xC8) and DAC (0xCC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** RIFF header, then the first chunk: VP8 (lossy), VP8L (lossless) or VP8X (extended). */
function readWebpHeader(bytes: Uint8Array): ImageHeader {
  const view = viewOf(bytes, 16, "WebP");
  const chunk = ascii(bytes, 12, 4);
  switch (chunk) {
    case "VP8 ": {
      viewOf(bytes, 30, "WebP");
      if ((bytes[20]! & 1) !== 0 || bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) {
        throw new ImageError("corrupt", "WebP VP8 data does not start with a key frame");
      }
      return sized("webp", view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
    }
    case "VP8L": {
      viewOf(bytes, 25, "WebP");
      if (bytes[20] !== 0x2f) throw new ImageError("corrupt", "WebP VP8L data has a bad signature");
      const bits = view.getUint32(21, true);
      return sized("webp", (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
    }
    case "VP8X": {
      viewOf(bytes, 30, "WebP");
      return sized("webp", uint24(bytes, 24) + 1, uint24(bytes, 27) + 1);
    }
    default:
      throw new ImageError("corrupt", `WebP starts with an unknown chunk "${chunk}"`);
  }
}

function sized(format: ImageFormat, width: number, height: number): ImageHeader {
  if (width === 0 || height === 0) {
    throw new ImageError("corrupt", `${IMAGE_FORMAT_NAMES[format]} header says ${width}×${height}`);
  }
  return { format, width, height };
}

function viewOf(bytes: Uint8Array, needed: number, format: string): DataView {
  if (bytes.length < needed) {
    throw new ImageError("truncated", `${format} header is truncated: ${bytes.length} of ${needed} bytes`);
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function jpegTruncated(): ImageError {
  return new ImageError("truncated", "JPEG is truncated before its frame header");
}

/** Compares the bytes present with the signature, where -1 matches any byte. */
function matchesSignature(bytes: Uint8Array, signature: readonly number[]): boolean {
  const length = Math.min(bytes.length, signature.length);
  for (let i = 0; i < length; i++) {
    if (signature[i] !== -1 && bytes[i] !== signature[i]) return false;
  }
  return true;
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

function uint24(bytes: Uint8Array, offset: number): number {
  return bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16);
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, "0");
}
