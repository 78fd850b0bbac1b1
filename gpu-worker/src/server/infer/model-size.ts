/** @module Making an upload the model's size: the request's resize policy, PIL-exact bilinear. */
import type { ResizePolicy } from "@ugatit/contracts/protocol";
import type { Resize } from "../../image/resize-pool.ts";
import type { RgbImage } from "../../runtime/translator.ts";

/** The centred square of an image, its side the shorter of width and height. */
export function cropCentreSquare(img: RgbImage): RgbImage {
  const side = Math.min(img.width, img.height);
  if (img.width === img.height) return img;
  const left = Math.floor((img.width - side) / 2);
  const top = Math.floor((img.height - side) / 2);
  const data = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) {
    const from = ((top + y) * img.width + left) * 3;
    data.set(img.data.subarray(from, from + side * 3), y * side * 3);
  }
  return { width: side, height: side, data };
}

/**
 * Makes an image the model's size: `fit` resizes it whole (the official test transform, which changes the
 * aspect ratio), `crop` keeps the centred square and resizes that. Resizing is PIL-exact bilinear.
 */
export async function toModelSize(
  img: RgbImage,
  size: number,
  policy: ResizePolicy,
  resize: Resize,
): Promise<RgbImage> {
  const source = policy === "crop" ? cropCentreSquare(img) : img;
  if (source.width === size && source.height === size) return source;
  return {
    width: size,
    height: size,
    data: await resize(source.data, source.width, source.height, size, size),
  };
}
