/** @module Framing a photo for the model: the box for the mode, cut out and resized to the model's input. */
import { resizeBilinear } from "@ugatit/contracts/image";
import type { Framing, FramingBox } from "@ugatit/contracts/protocol";
import type { FaceDetector } from "../faces/face-detector.ts";
import type { Resize } from "../image/resize-pool.ts";
import type { RgbImage } from "../runtime/translator.ts";
import { centreSquare, faceSquare, largestFace } from "./frame-box.ts";

/** `face` framing found no face in the photo. */
export class NoFaceError extends Error {
  override name = "NoFaceError";
  constructor(width: number, height: number) {
    super(
      `no face found in the ${width}×${height} image: use framing fit or center for photos without a face`,
    );
  }
}

export interface Framed {
  box: FramingBox;
  /** The box's pixels resized to size × size (PIL-exact bilinear, as the official test transform). */
  frame: RgbImage;
}

/** The pixels of a box of an image. */
export function cropBox(image: RgbImage, [left, top, width, height]: FramingBox): RgbImage {
  if (left === 0 && top === 0 && width === image.width && height === image.height) return image;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * 3;
    data.set(image.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { width, height, data };
}

/** The box a framing takes from the image; `face` asks the detector (its largest face). */
export async function frameBox(
  image: RgbImage,
  mode: Framing,
  detector: () => Promise<FaceDetector>,
): Promise<FramingBox> {
  switch (mode) {
    case "fit":
      return [0, 0, image.width, image.height];
    case "center":
      return centreSquare(image.width, image.height);
    case "face": {
      const face = largestFace(await (await detector()).find(image));
      if (!face) throw new NoFaceError(image.width, image.height);
      return faceSquare(face.box, image.width, image.height);
    }
  }
}

/**
 * Frames an image for a model of input side `size`; `resize` (PIL-exact bilinear) may run off the event loop.
 *
 * @example
 * const { box, frame } = await frameImage(photo, "face", 256, sharedFaceDetector);
 */
export async function frameImage(
  image: RgbImage,
  mode: Framing,
  size: number,
  detector: () => Promise<FaceDetector>,
  resize: Resize = async (rgb, width, height, outWidth, outHeight) =>
    resizeBilinear(rgb, width, height, outWidth, outHeight),
): Promise<Framed> {
  const box = await frameBox(image, mode, detector);
  const source = cropBox(image, box);
  const frame =
    source.width === size && source.height === size
      ? source
      : {
          width: size,
          height: size,
          data: await resize(source.data, source.width, source.height, size, size),
        };
  return { box, frame };
}
