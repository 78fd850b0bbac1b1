/** @module The tiny face detector's weights as face-api ships them: a TF.js weight manifest and a uint8-quantised .bin. */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { z } from "zod";

const require = createRequire(import.meta.url);

const Manifest = z.array(
  z.object({
    paths: z.array(z.string()).length(1),
    weights: z.array(
      z.object({
        name: z.string(),
        shape: z.array(z.number().int().positive()),
        dtype: z.literal("float32"),
        quantization: z.object({ dtype: z.literal("uint8"), scale: z.number(), min: z.number() }),
      }),
    ),
  }),
);

export interface Weight {
  /** TF.js layout: HWIO for convolutions, [h, w, in, 1] for depthwise filters. */
  shape: number[];
  values: Float32Array;
}

/** The folder of face-api's model files inside its npm package (resolved, never downloaded). */
function faceApiModelFolder(): string {
  return join(dirname(require.resolve("@vladmandic/face-api/package.json")), "model");
}

/**
 * Reads and dequantises (q · scale + min) the weights of `tiny_face_detector_model`, by name.
 *
 * @example
 * const weights = await readTinyFaceWeights(); // Map { "conv0/filters" => { shape: [3, 3, 3, 16], … } }
 */
export async function readTinyFaceWeights(folder = faceApiModelFolder()): Promise<Map<string, Weight>> {
  const manifest = Manifest.parse(
    JSON.parse(await readFile(join(folder, "tiny_face_detector_model-weights_manifest.json"), "utf8")),
  );
  const weights = new Map<string, Weight>();
  for (const group of manifest) {
    const bytes = await readFile(join(folder, group.paths[0]!));
    let offset = 0;
    for (const { name, shape, quantization } of group.weights) {
      const count = shape.reduce((a, b) => a * b, 1);
      if (offset + count > bytes.length) throw new Error(`face detector weights: ${name} runs past the file`);
      const values = new Float32Array(count);
      for (let i = 0; i < count; i++) values[i] = bytes[offset + i]! * quantization.scale + quantization.min;
      weights.set(name, { shape, values });
      offset += count;
    }
    if (offset !== bytes.length)
      throw new Error(`face detector weights: ${bytes.length - offset} bytes left over`);
  }
  return weights;
}
