/**
 * @module Did a trained model learn its translation? On held-out images of each domain, the share of
 * translations a fixed domain classifier scores as the target domain, and how close the cycle comes back.
 */
import * as tf from "@tensorflow/tfjs-core";
import { modelOutputToRgb, rgbToModelInput } from "@ugatit/contracts/image";
import { Generator } from "@ugatit/model/architecture";
import { loadGenerator } from "@ugatit/model/checkpoints";
import { type DomainClassifier, imageFeatures, probabilityB } from "./domain-classifier.ts";

export interface DomainReport {
  images: number;
  /** Real images the classifier puts in their own domain. */
  realInOwnDomain: number;
  /** Translations it puts in the target domain. */
  translatedToTarget: number;
  /** Mean |cycle − input| in [0, 1] pixel units. */
  cycleL1: number;
  /** The yardstick for cycleL1: mean |other − input| between each image and the next one of the set. */
  otherL1: number;
  /** Images whose cycle is nearer (L1) to them than to any other image of the set: it came back to itself. */
  cycleFindsItsInput: number;
}

/** Mean absolute difference of two RGB images, in [0, 1] pixel units. */
function meanL1(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / (255 * a.length);
}

async function translateAll(images: Uint8Array[], size: number, forward: Generator, back: Generator) {
  const translated: Uint8Array[] = [];
  const cycles: Uint8Array[] = [];
  for (const rgb of images) {
    const x = tf.tensor4d(rgbToModelInput(rgb, size, size), [1, size, size, 3]);
    const y = forward.forward(x);
    const z = back.forward(y.image);
    translated.push(modelOutputToRgb((await y.image.data()) as Float32Array));
    cycles.push(modelOutputToRgb((await z.image.data()) as Float32Array));
    tf.dispose([x, y, z]);
  }
  const distances = cycles.map((cycle) => images.map((rgb) => meanL1(cycle, rgb)));
  return {
    translated,
    cycleL1: distances.reduce((sum, row, i) => sum + row[i]!, 0) / images.length,
    cycleFindsItsInput:
      distances.filter((row, i) => row.every((d, j) => j === i || d > row[i]!)).length / images.length,
  };
}

/**
 * Scores both directions of the model at `modelPath` on size² RGB images of each domain.
 *
 * @example const { A, B } = await checkTranslation("models/demo.safetensors", testA, testB, 96, judge);
 */
export async function checkTranslation(
  modelPath: string,
  imagesA: Uint8Array[],
  imagesB: Uint8Array[],
  size: number,
  classifier: DomainClassifier,
): Promise<{ A: DomainReport; B: DomainReport }> {
  const a2b = await loadGenerator(modelPath, "A2B");
  const b2a = await loadGenerator(modelPath, "B2A");
  const genA2B = Generator.fromTorch(a2b.config, a2b.weights);
  const genB2A = Generator.fromTorch(b2a.config, b2a.weights);
  const isB = (rgb: Uint8Array) => probabilityB(classifier, imageFeatures(rgb, size)) >= 0.5;
  const report = async (images: Uint8Array[], forward: Generator, back: Generator, fromB: boolean) => {
    const { translated, cycleL1, cycleFindsItsInput } = await translateAll(images, size, forward, back);
    return {
      images: images.length,
      realInOwnDomain: images.filter((rgb) => isB(rgb) === fromB).length / images.length,
      translatedToTarget: translated.filter((rgb) => isB(rgb) !== fromB).length / images.length,
      cycleL1,
      otherL1:
        images.reduce((sum, rgb, i) => sum + meanL1(rgb, images[(i + 1) % images.length]!), 0) /
        images.length,
      cycleFindsItsInput,
    };
  };
  try {
    return {
      A: await report(imagesA, genA2B, genB2A, false),
      B: await report(imagesB, genB2A, genA2B, true),
    };
  } finally {
    genA2B.dispose();
    genB2A.dispose();
  }
}
