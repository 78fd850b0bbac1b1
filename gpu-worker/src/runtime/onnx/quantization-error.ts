import { type ImageProcessing, toChannelsFirst } from "@ugatit/contracts/image";
import { ONNX_INPUT } from "@ugatit/model/onnx";
import { type InferenceSession, Tensor } from "onnxruntime-node";
import { toModelBatch } from "../model-io.ts";
import type { RgbImage } from "../translator.ts";
import { createSession } from "./session.ts";

/** How far a quantised generator's outputs are from its float32 source's. */
export interface QuantizationError {
  /** Mean over the images of the output's PSNR against float32, in dB (range [-1, 1]: peak 2). */
  psnr: number;
  /** Worst CAM logit change, relative to the image's larger float32 logit (one may be near 0). */
  camRelative: number;
  /** The same for the GAP logit (the mean over positions) alone, and for the GMP logit (the max). */
  gapRelative: number;
  gmpRelative: number;
}

/** Both sessions on the same images at `size`, one image at a time. */
export async function quantizationError(
  float32: InferenceSession,
  quantized: InferenceSession,
  images: RgbImage[],
  size: number,
  processing: ImageProcessing = "pytorch",
): Promise<QuantizationError> {
  let psnr = 0;
  let gapRelative = 0;
  let gmpRelative = 0;
  for (const image of images) {
    const input = toChannelsFirst(toModelBatch([image], size, processing), 1, size * size, 3);
    const feeds = { [ONNX_INPUT]: new Tensor("float32", input, [1, 3, size, size]) };
    const [a, b] = [await float32.run(feeds), await quantized.run(feeds)];
    const [x, y] = [a.image!.data as Float32Array, b.image!.data as Float32Array];
    let squares = 0;
    for (let i = 0; i < x.length; i++) squares += (x[i]! - y[i]!) ** 2;
    psnr += (10 * Math.log10(4 / (squares / x.length))) / images.length;
    const [p, q] = [a.cam_logit!.data as Float32Array, b.cam_logit!.data as Float32Array];
    const scale = Math.max(Math.abs(p[0]!), Math.abs(p[1]!));
    gapRelative = Math.max(gapRelative, Math.abs(p[0]! - q[0]!) / scale);
    gmpRelative = Math.max(gmpRelative, Math.abs(p[1]! - q[1]!) / scale);
  }
  return { psnr, camRelative: Math.max(gapRelative, gmpRelative), gapRelative, gmpRelative };
}

/**
 * {@link quantizationError} of each quantised model's bytes against the float32 model's, every model run in
 * a session with the worker's options (the float32 one opened once for all).
 */
export async function modelQuantizationErrors(
  float32: Uint8Array,
  quantized: Uint8Array[],
  images: RgbImage[],
  size: number,
  processing: ImageProcessing = "pytorch",
): Promise<QuantizationError[]> {
  const { session: reference } = await createSession(float32);
  try {
    const errors = [];
    for (const model of quantized) {
      const { session } = await createSession(model);
      try {
        errors.push(await quantizationError(reference, session, images, size, processing));
      } finally {
        await session.release();
      }
    }
    return errors;
  } finally {
    await reference.release();
  }
}

/** `38.7 dB PSNR, CAM logits within 0.9 %`: how the CLI and the benchmark print an error. */
export function describeQuantizationError(error: QuantizationError): string {
  return `${error.psnr.toFixed(1)} dB PSNR, CAM logits within ${(100 * error.camRelative).toFixed(1)} %`;
}
