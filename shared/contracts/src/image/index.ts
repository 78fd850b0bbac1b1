/** @module Image pre- and post-processing shared by the edge and the GPU worker: pure TypeScript, no Node APIs. */

export { ImageError, type ImageErrorCode } from "./errors.ts";
export {
  checkImageLimits,
  DEFAULT_IMAGE_LIMITS,
  IMAGE_FORMAT_NAMES,
  type ImageFormat,
  type ImageHeader,
  type ImageLimits,
  readImageHeader,
} from "./header.ts";
export { heatmapToRgb } from "./heatmap.ts";
export { toChannelsFirst, toChannelsLast } from "./layout.ts";
export { orientRgb } from "./orientation.ts";
export { IMAGE_PROCESSINGS, type ImageProcessing, type PixelPath, pixelPath } from "./processing.ts";
export { resizeBilinear } from "./resize.ts";
export { resizeBilinearCv2 } from "./resize-cv2.ts";
export { modelOutputToRgb, modelOutputToRgbTf, rgbToModelInput, rgbToModelInputTf } from "./tensor.ts";
