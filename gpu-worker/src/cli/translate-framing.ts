/** @module `ugatit translate`'s framing: the `--framing` and `--compose` choice, the box before the model loads, the result after. */
import { Compose, Framing, type FramingBox, type FramingResult } from "@ugatit/contracts/protocol";
import { sharedFaceDetector } from "../faces/face-detector.ts";
import { cropBox, frameBox } from "../framing/frame-image.ts";
import { pasteBack } from "../framing/paste-back.ts";
import type { DecodedImage } from "../image/index.ts";
import type { RgbImage } from "../runtime/translator.ts";
import { oneOf } from "./args.ts";

export interface FramingChoice {
  mode: Framing;
  compose: Compose;
}

/** The flags' values, checked (`fit` and `crop` when absent). */
export function framingChoice(values: {
  framing?: string | undefined;
  compose?: string | undefined;
}): FramingChoice {
  return {
    mode: values.framing === undefined ? "fit" : oneOf(values.framing, Framing.options, "framing"),
    compose: values.compose === undefined ? "crop" : oneOf(values.compose, Compose.options, "compose"),
  };
}

/** A framed photo: the box, and the part the model gets (it resizes it to its input side). */
export interface FramedPhoto {
  result: FramingResult;
  modelInput: RgbImage;
}

/** Finds the box (a faceless photo in `face` mode fails here, before the model is loaded). */
export async function framePhoto(photo: DecodedImage, choice: FramingChoice): Promise<FramedPhoto> {
  const box: FramingBox = await frameBox(photo, choice.mode, sharedFaceDetector);
  return { result: { mode: choice.mode, box }, modelInput: cropBox(photo, box) };
}

/** The image to write: the translated frame as it is, or pasted back into the whole photo. */
export async function composeResult(
  photo: RgbImage,
  translated: RgbImage,
  framed: FramedPhoto,
  compose: Compose,
): Promise<RgbImage> {
  return compose === "paste" ? pasteBack(photo, translated, framed.result.box) : translated;
}
