import { z } from "zod";

/**
 * How the part of a photo the model sees is chosen: `fit` the whole image resized (the aspect ratio
 * changes), `center` the centred square, `face` a square around the largest face, placed as the
 * selfie2anime training images are (face centred, hair, chin and some shoulders inside).
 */
export const Framing = z.enum(["fit", "center", "face"]);
export type Framing = z.infer<typeof Framing>;

/** What is returned: `crop` the translated frame, `paste` the whole photo with the translation blended in at the box. */
export const Compose = z.enum(["crop", "paste"]);
export type Compose = z.infer<typeof Compose>;

/** A box in the input image's pixels (after EXIF orientation): [x, y, width, height]. */
export const FramingBox = z.tuple([
  z.number().int().nonnegative(),
  z.number().int().nonnegative(),
  z.number().int().positive(),
  z.number().int().positive(),
]);
export type FramingBox = z.infer<typeof FramingBox>;

/** The framing a job used and where in the photo it was taken. */
export const FramingResult = z.object({ mode: Framing, box: FramingBox });
export type FramingResult = z.infer<typeof FramingResult>;
