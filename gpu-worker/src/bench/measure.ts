import * as tf from "@tensorflow/tfjs-core";
import { Generator, type GeneratorConfig, generatorMacs, initialWeights } from "@ugatit/shared/model";
import { generatorParamShapes } from "@ugatit/shared/weights";
import { activateBackend } from "../runtime/backends.ts";

export interface BenchCase {
  model: "light" | "full";
  backend: string;
  size: number;
  batch: number;
}

export interface BenchResult extends BenchCase {
  params: number;
  gflopPerImage: number;
  runs: number;
  msPerImage: number;
  imagesPerSecond: number;
  gflops: number;
  peakRssMb: number;
}

/** The official default configuration: ngf 64, 4 residual blocks. */
export function benchConfig(model: BenchCase["model"], size: number): GeneratorConfig {
  return { ngf: 64, nBlocks: 4, light: model === "light", imgSize: model === "light" ? null : size };
}

/**
 * Times one generator on one backend: a warm-up forward, then timed forwards until `budgetMs` is spent
 * (at least one). Weights are PyTorch's default initialisation; speed does not depend on their values.
 */
export async function measure(c: BenchCase, budgetMs: number): Promise<BenchResult> {
  await activateBackend(c.backend);
  const config = benchConfig(c.model, c.size);
  const shapes = generatorParamShapes(config);
  const weights = initialWeights(shapes, 1);
  const params = [...weights.values()].reduce((n, t) => n + t.data.length, 0);
  const generator = Generator.fromTorch(config, weights);
  weights.clear();
  const x = tf.randomUniform([c.batch, c.size, c.size, 3], -1, 1) as tf.Tensor4D;
  const run = async () => {
    const out = generator.forward(x);
    await out.image.data();
    tf.dispose(out);
  };
  await run();
  const times: number[] = [];
  const start = performance.now();
  do {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  } while (performance.now() - start < budgetMs);
  x.dispose();
  generator.dispose();
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] as number;
  const msPerImage = median / c.batch;
  const gflopPerImage = (2 * generatorMacs(config, c.size)) / 1e9;
  return {
    ...c,
    params,
    gflopPerImage,
    runs: times.length,
    msPerImage,
    imagesPerSecond: 1000 / msPerImage,
    gflops: gflopPerImage / (msPerImage / 1000),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}
