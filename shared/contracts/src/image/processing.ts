/** @module The two official test paths from image bytes to the generator and back, chosen per model. */

import { resizeBilinear } from "./resize.ts";
import { resizeBilinearCv2 } from "./resize-cv2.ts";
import { modelOutputToRgb, modelOutputToRgbTf, rgbToModelInput, rgbToModelInputTf } from "./tensor.ts";

/**
 * `pytorch`: PIL bilinear (antialiased) resize, x / 127.5 − 1, outputs rounded (UGATIT-pytorch);
 * `tensorflow`: cv2 bilinear resize, the same input in float64, outputs truncated (taki0112/UGATIT).
 */
export const IMAGE_PROCESSINGS = ["pytorch", "tensorflow"] as const;
export type ImageProcessing = (typeof IMAGE_PROCESSINGS)[number];

/** One test path's steps, on interleaved RGB bytes and HWC float32 tensors. */
export interface PixelPath {
  /** Whether images are turned upright for their EXIF orientation first (cv2.imread does, PIL does not). */
  exifOrientation: boolean;
  resize(rgb: Uint8Array, width: number, height: number, outWidth: number, outHeight: number): Uint8Array;
  toModelInput(rgb: Uint8Array, width: number, height: number): Float32Array;
  toRgb(y: Float32Array): Uint8Array;
}

const PATHS: Record<ImageProcessing, PixelPath> = {
  pytorch: {
    exifOrientation: false,
    resize: resizeBilinear,
    toModelInput: rgbToModelInput,
    toRgb: modelOutputToRgb,
  },
  tensorflow: {
    exifOrientation: true,
    resize: (rgb, width, height, outWidth, outHeight) =>
      resizeBilinearCv2(rgb, width, height, outWidth, outHeight),
    toModelInput: rgbToModelInputTf,
    toRgb: modelOutputToRgbTf,
  },
};

/**
 * The steps of a test path.
 *
 * @example
 * const { resize, toModelInput } = pixelPath("tensorflow");
 * const x = toModelInput(resize(rgb, 640, 480, 256, 256), 256, 256);
 */
export function pixelPath(processing: ImageProcessing): PixelPath {
  return PATHS[processing];
}
