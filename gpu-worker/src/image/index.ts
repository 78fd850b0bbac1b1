/** @module The worker's image I/O: decoding uploads and encoding results with sharp. */

export {
  type DecodedImage,
  type DecodeOptions,
  decodeImage,
  type EncodeOptions,
  encodeImage,
  formatFromPath,
} from "./codec.ts";
