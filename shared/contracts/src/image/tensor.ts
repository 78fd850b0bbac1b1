/**
 * @module Pixels to the generator's [-1, 1] input and its tanh output back to pixels, as the official
 * PyTorch code's test path computes them (`rgbToModelInput`, `modelOutputToRgb`) and as the official
 * TensorFlow code's does (`…Tf`).
 */

import { roundHalfToEven } from "./round.ts";

/** utils.load_test_data: `img / 127.5 - 1` in float64, fed to the float32 placeholder. */
const TF_INPUT_OF_BYTE = Float32Array.from({ length: 256 }, (_, x) => Math.fround(x / 127.5 - 1));

/** torchvision's ToTensor + Normalize(0.5, 0.5) in float32, which equals fround(fround(x / 127.5) − 1). */
const INPUT_OF_BYTE = Float32Array.from({ length: 256 }, (_, x) => Math.fround(x / 127.5) - 1);

/**
 * Interleaved RGB bytes to the model's input, x / 127.5 − 1, as the official test transform computes it.
 *
 * @example
 * const x = rgbToModelInput(rgb, 256, 256); // [256, 256, 3], HWC
 */
export function rgbToModelInput(rgb: Uint8Array, width: number, height: number): Float32Array {
  return fromBytes(rgb, width, height, INPUT_OF_BYTE);
}

/** Interleaved RGB bytes to the TF model's input, as the official TF test path computes it. */
export function rgbToModelInputTf(rgb: Uint8Array, width: number, height: number): Float32Array {
  return fromBytes(rgb, width, height, TF_INPUT_OF_BYTE);
}

function fromBytes(rgb: Uint8Array, width: number, height: number, table: Float32Array): Float32Array {
  if (rgb.length !== width * height * 3) {
    throw new RangeError(`rgbToModelInput: ${rgb.length} bytes is not ${width}×${height} RGB`);
  }
  const out = new Float32Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) out[i] = table[rgb[i]!]!;
  return out;
}

/**
 * The generator's output in [-1, 1] to bytes: round((y + 1) · 127.5), clamped to 0..255, computed the
 * way the official code saves its results.
 *
 * @example
 * const rgb = modelOutputToRgb(y); // same layout as y
 */
export function modelOutputToRgb(y: Float32Array): Uint8Array {
  const out = new Uint8Array(y.length);
  for (let i = 0; i < y.length; i++) {
    // The official code saves (y·0.5 + 0.5)·255 in float32 with cv2.imwrite, which rounds half to even.
    const v = roundHalfToEven(Math.fround(Math.fround(Math.fround(y[i]! * 0.5) + 0.5) * 255));
    out[i] = Math.min(255, Math.max(0, v)); // NaN stores as 0, as cv2 saturates it
  }
  return out;
}

/**
 * The TF generator's output to bytes as utils.save_images writes them: ((y + 1) / 2) · 255 in float32,
 * then `astype(uint8)`, which truncates (clamped to 0..255; NaN gives 0).
 *
 * @example
 * const rgb = modelOutputToRgbTf(y); // same layout as y
 */
export function modelOutputToRgbTf(y: Float32Array): Uint8Array {
  const out = new Uint8Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = Math.trunc(Math.fround(Math.fround(Math.fround(y[i]! + 1) / 2) * 255));
    out[i] = Math.min(255, Math.max(0, v)); // Uint8Array stores NaN as 0
  }
  return out;
}
