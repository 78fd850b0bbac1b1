/** @module Fast resizing of raw RGB with sharp (libvips), for detection and framing where PIL-exactness is not needed. */
import sharp from "sharp";
import type { RgbImage } from "../runtime/translator.ts";

/**
 * Resizes the whole image (aspect ratio not kept) to width × height, bilinear-quality ("linear" kernel
 * down, libvips' default reduction), returning interleaved RGB.
 */
export async function resizeRgb(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (image.width === width && image.height === height) return image;
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: "fill", kernel: "linear" })
    .raw()
    .toBuffer();
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
