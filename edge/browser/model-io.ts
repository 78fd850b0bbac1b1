/**
 * @module Pixels to the generator's input tensor and its outputs back to pictures, in the browser, with the
 * same shared code the worker runs (PIL-exact resize, the official normalisation and rounding, the
 * OpenCV-exact heatmap): the browser's translation of an image is the server's.
 */
import {
  heatmapToRgb,
  modelOutputToRgb,
  resizeBilinear,
  rgbToModelInput,
  toChannelsFirst,
  toChannelsLast,
} from "@ugatit/contracts/image";

/** Pixels as a canvas holds them: interleaved RGBA, row-major. */
export interface RgbaPicture {
  width: number;
  height: number;
  data: Uint8ClampedArray<ArrayBuffer>;
}

/** What the generator answers for one image, drawn. */
export interface DrawnTranslation {
  image: RgbaPicture;
  heatmap: RgbaPicture;
  camLogit: [number, number];
}

/**
 * A decoded picture as the generator's input, [1, 3, size, size] in [-1, 1]: alpha dropped (as the worker's
 * decoder does), resized whole to size × size (the worker's default `fit`) when it is another size.
 *
 * @example
 * const input = toModelInput(ctx.getImageData(0, 0, w, h), 256); // for new ort.Tensor("float32", input, [1, 3, 256, 256])
 */
export function toModelInput(picture: RgbaPicture, size: number): Float32Array {
  const { width, height, data } = picture;
  if (data.length !== width * height * 4) {
    throw new RangeError(`toModelInput: ${data.length} bytes is not ${width}×${height} RGBA`);
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    rgb[p * 3] = data[p * 4]!;
    rgb[p * 3 + 1] = data[p * 4 + 1]!;
    rgb[p * 3 + 2] = data[p * 4 + 2]!;
  }
  const sized = width === size && height === size ? rgb : resizeBilinear(rgb, width, height, size, size);
  return toChannelsFirst(rgbToModelInput(sized, size, size), 1, size * size, 3);
}

/**
 * The generator's outputs for one image (`image` [1, 3, size, size], `cam_logit` [1, 2], `heatmap`
 * [1, 1, size/4, size/4]) as the pictures the worker stores: the translation and the heatmap, size × size.
 *
 * @example
 * const drawn = fromModelOutputs(out.image.data, out.cam_logit.data, out.heatmap.data, 256);
 */
export function fromModelOutputs(
  image: Float32Array,
  camLogit: Float32Array,
  heatmap: Float32Array,
  size: number,
): DrawnTranslation {
  const rgb = modelOutputToRgb(toChannelsLast(image, 1, size * size, 3));
  return {
    image: { width: size, height: size, data: rgbToRgba(rgb) },
    heatmap: { width: size, height: size, data: rgbToRgba(heatmapToRgb(heatmap, size / 4, size)) },
    camLogit: [camLogit[0]!, camLogit[1]!],
  };
}

function rgbToRgba(rgb: Uint8Array): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray((rgb.length / 3) * 4);
  for (let p = 0; p < rgb.length / 3; p++) {
    out[p * 4] = rgb[p * 3]!;
    out[p * 4 + 1] = rgb[p * 3 + 1]!;
    out[p * 4 + 2] = rgb[p * 3 + 2]!;
    out[p * 4 + 3] = 255;
  }
  return out;
}
