/** @module Finding faces in an RGB image with the tiny face detector on ONNX Runtime. */
import { InferenceSession, Tensor } from "onnxruntime-node";
import type { RgbImage } from "../runtime/translator.ts";
import { resizeRgb } from "./resize-rgb.ts";
import {
  TINY_FACE_INPUT,
  TINY_FACE_MEAN_RGB,
  TINY_FACE_OUTPUT,
  tinyFaceDetectorOnnx,
} from "./tiny-face-graph.ts";
import { readTinyFaceWeights } from "./tiny-face-weights.ts";

/** A face in the image's pixels: left, top, width, height; score in 0..1. */
export interface Face {
  box: [number, number, number, number];
  score: number;
}

export interface DetectOptions {
  /** The detector's input side (divisible by 32): 416 as face-api's default; larger finds smaller faces. */
  side?: number;
  /** Detections scoring below are dropped: 0.5 as face-api's default. */
  minScore?: number;
}

// face-api's anchors (in cells) and its non-maximum suppression threshold.
const ANCHORS: readonly [number, number][] = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308],
];
const IOU_THRESHOLD = 0.4;
/** Detector pixels per output cell (five stride-2 pools). */
const CELL = 32;

/**
 * The input sides `find` tries in turn: 416 (face-api's default) finds faces down to about a twelfth of
 * the photo's longer side; 832 doubles the reach for a small face in a large photo, run only when 416
 * found none.
 */
const FIND_SIDES = [416, 832] as const;

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Intersection over union of two [x, y, w, h] boxes. */
export function iou(a: Face["box"], b: Face["box"]): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

/** One detector session, reused for every image; created once per process. */
export class FaceDetector {
  private constructor(private readonly session: InferenceSession) {}

  /** Builds the graph from the weights in the face-api package and opens a CPU session (single-threaded: it is small). */
  static async create(): Promise<FaceDetector> {
    const model = tinyFaceDetectorOnnx(await readTinyFaceWeights());
    const session = await InferenceSession.create(model, {
      executionProviders: ["cpu"],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: "all",
    });
    return new FaceDetector(session);
  }

  /**
   * The faces in `image`, best first. The image is scaled so its longer side is `side`, as face-api does,
   * but padded with black only to the next multiple of 32 (face-api pads to a square: the same boxes,
   * up to a third less work on a 3:2 photo).
   *
   * @example
   * const [best] = await detector.detect(photo); // best?.box = [x, y, w, h] in the photo's pixels
   */
  async detect(image: RgbImage, { side = 416, minScore = 0.5 }: DetectOptions = {}): Promise<Face[]> {
    if (side % CELL !== 0 || side < 2 * CELL)
      throw new RangeError(`face detector: side ${side} is not a multiple of ${CELL} ≥ ${2 * CELL}`);
    const scale = side / Math.max(image.width, image.height);
    const w = Math.max(1, Math.round(image.width * scale));
    const h = Math.max(1, Math.round(image.height * scale));
    const [columns, rows] = [Math.ceil(w / CELL), Math.ceil(h / CELL)];
    const [width, height] = [columns * CELL, rows * CELL];
    const small = await resizeRgb(image, w, h);
    const plane = width * height;
    const input = new Float32Array(3 * plane);
    for (let c = 0; c < 3; c++) input.fill(-TINY_FACE_MEAN_RGB[c]! / 255, c * plane, (c + 1) * plane);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const from = (y * w + x) * 3;
        for (let c = 0; c < 3; c++)
          input[c * plane + y * width + x] = (small.data[from + c]! - TINY_FACE_MEAN_RGB[c]!) / 255;
      }
    const outputs = await this.session.run({
      [TINY_FACE_INPUT]: new Tensor("float32", input, [1, 3, height, width]),
    });
    const out = outputs[TINY_FACE_OUTPUT];
    if (!out || out.dims[2] !== rows || out.dims[3] !== columns)
      throw new Error("face detector: unexpected output");
    const data = out.data as Float32Array;
    // Cell units → the image's pixels: a cell is CELL detector pixels, a detector pixel 1 / scale.
    const unit = CELL / scale;
    const found: Face[] = [];
    for (let a = 0; a < ANCHORS.length; a++)
      for (let row = 0; row < rows; row++)
        for (let col = 0; col < columns; col++) {
          const at = (k: number) => data[((a * 5 + k) * rows + row) * columns + col]!;
          const score = sigmoid(at(4));
          if (score < minScore) continue;
          const [aw, ah] = ANCHORS[a]!;
          const bw = Math.exp(at(2)) * aw * unit;
          const bh = Math.exp(at(3)) * ah * unit;
          const cx = (col + sigmoid(at(0))) * unit;
          const cy = (row + sigmoid(at(1))) * unit;
          found.push({ box: clip([cx - bw / 2, cy - bh / 2, bw, bh], image), score });
        }
    return suppress(found);
  }

  /** The faces at the first of FIND_SIDES that finds any; none when no side does. */
  async find(image: RgbImage): Promise<Face[]> {
    for (const side of FIND_SIDES) {
      const faces = await this.detect(image, { side });
      if (faces.length > 0) return faces;
    }
    return [];
  }
}

/** A box clipped to the image; a face half outside the photo is framed on the half inside. */
function clip([x, y, w, h]: Face["box"], image: RgbImage): Face["box"] {
  const left = Math.max(0, x);
  const top = Math.max(0, y);
  return [left, top, Math.min(image.width, x + w) - left, Math.min(image.height, y + h) - top];
}

/** Greedy non-maximum suppression, best score first. */
function suppress(faces: Face[]): Face[] {
  const kept: Face[] = [];
  for (const face of faces.toSorted((p, q) => q.score - p.score))
    if (face.box[2] > 0 && face.box[3] > 0 && kept.every((k) => iou(k.box, face.box) <= IOU_THRESHOLD))
      kept.push(face);
  return kept;
}

let shared: Promise<FaceDetector> | undefined;

/** The process's one detector, made on first use (a failed start is retried on the next). */
export function sharedFaceDetector(): Promise<FaceDetector> {
  shared ??= FaceDetector.create().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}
