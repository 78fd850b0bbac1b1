import { type ImageProcessing, orientRgb, pixelPath } from "@ugatit/contracts/image";
import type { RgbImage, Translation } from "./translator.ts";

/** The image upright when the model's test path reads images upright (cv2.imread), else as stored. */
export function upright(img: RgbImage, processing: ImageProcessing): RgbImage {
  if (!pixelPath(processing).exifOrientation || (img.orientation ?? 1) === 1) return img;
  return orientRgb(img.data, img.width, img.height, img.orientation ?? 1);
}

/**
 * A batch of images as the model's input, [N, size, size, 3] in [-1, 1]: each resized (bilinear, as the
 * official test path of the model's code) when it is not the model's size.
 */
export function toModelBatch(inputs: RgbImage[], size: number, processing: ImageProcessing): Float32Array {
  const { resize, toModelInput } = pixelPath(processing);
  const pixels = size * size * 3;
  const batch = new Float32Array(inputs.length * pixels);
  inputs.forEach((stored, i) => {
    const img = upright(stored, processing);
    const rgb =
      img.width === size && img.height === size
        ? img.data
        : resize(img.data, img.width, img.height, size, size);
    batch.set(toModelInput(rgb, size, size), i * pixels);
  });
  return batch;
}

/** Splits a batch's outputs (image [N, size, size, 3], cam_logit [N, 2], heatmap [N, size/4, size/4]) per image. */
export function toTranslations(
  count: number,
  size: number,
  image: Float32Array,
  camLogit: Float32Array,
  heatmap: Float32Array,
  processing: ImageProcessing,
): Translation[] {
  const { toRgb } = pixelPath(processing);
  const pixels = size * size * 3;
  const side = size / 4;
  return Array.from({ length: count }, (_, i) => ({
    image: {
      width: size,
      height: size,
      data: toRgb(image.subarray(i * pixels, (i + 1) * pixels)),
    },
    camLogit: [camLogit[2 * i] as number, camLogit[2 * i + 1] as number],
    heatmap: heatmap.slice(i * side * side, (i + 1) * side * side),
    heatmapSide: side,
  }));
}
