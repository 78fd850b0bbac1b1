/** @module Where each framing takes its square: pure geometry in the photo's pixels. */
import type { FramingBox } from "@ugatit/contracts/protocol";
import type { Face } from "../faces/face-detector.ts";

/**
 * The square's side per face-box side, and how far above the face's centre the square's centre sits (in
 * face heights): selfie2anime's training crops show the whole head with hair, chin and the top of the
 * shoulders, the face a little below the middle; the tiny detector's box runs from the brows to the chin.
 */
export const FACE_SQUARE = { sidePerFace: 2.2, lift: 0.1 } as const;

/** The centred square, its side the shorter of width and height (the left/top margin rounded down). */
export function centreSquare(width: number, height: number): FramingBox {
  const side = Math.min(width, height);
  return [Math.floor((width - side) / 2), Math.floor((height - side) / 2), side, side];
}

/** The face with the largest box (ties: the better score, which comes first). */
export function largestFace(faces: readonly Face[]): Face | undefined {
  let best: Face | undefined;
  for (const face of faces) if (!best || face.box[2] * face.box[3] > best.box[2] * best.box[3]) best = face;
  return best;
}

/**
 * The square around a face as selfie2anime frames it. At the photo's borders the square is shifted
 * inside, and shrunk to the photo's shorter side when larger: only real pixels, never padding (the
 * model never saw bars), at the cost of the face sitting off-centre near a border.
 *
 * @example
 * faceSquare([400, 300, 200, 220], 1280, 960); // [258, 146, 484, 484]
 */
export function faceSquare(face: Face["box"], width: number, height: number): FramingBox {
  const [x, y, w, h] = face;
  const side = Math.max(1, Math.min(Math.round(FACE_SQUARE.sidePerFace * Math.max(w, h)), width, height));
  const cx = x + w / 2;
  const cy = y + h / 2 - FACE_SQUARE.lift * h;
  const clamp = (v: number, max: number) => Math.min(Math.max(0, v), max);
  return [
    clamp(Math.round(cx - side / 2), width - side),
    clamp(Math.round(cy - side / 2), height - side),
    side,
    side,
  ];
}
