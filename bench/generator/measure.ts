import * as tf from "@tensorflow/tfjs-core";
import {
  Generator,
  type GeneratorConfig,
  generatorMacs,
  generatorParamShapes,
  initialWeights,
  type TorchWeights,
} from "@ugatit/model/architecture";
import { exportGeneratorToOnnx } from "@ugatit/model/onnx";
import { activateBackend } from "../../gpu-worker/src/runtime/backends.ts";
import { activeWebGpuAdapter } from "../../gpu-worker/src/runtime/webgpu/webgpu-adapter.ts";

export interface BenchCase {
  model: "light" | "full";
  /** A backend of the worker, or `pytorch` (the reference, timed by torch_generator.py). */
  backend: string;
  size: number;
  batch: number;
}

export interface BenchResult extends BenchCase {
  /** ONNX Runtime's execution provider, or PyTorch's version and threads. */
  detail?: string;
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

/** GFLOP of one image: two per multiply-add. */
export function gflopPerImage(c: BenchCase): number {
  return (2 * generatorMacs(benchConfig(c.model, c.size), c.size)) / 1e9;
}

/** The figures derived from one case's median forward time. */
export function benchResult(
  c: BenchCase,
  timing: { params: number; runs: number; msPerImage: number; peakRssMb: number; detail?: string },
): BenchResult {
  const gflop = gflopPerImage(c);
  return {
    ...c,
    ...timing,
    gflopPerImage: gflop,
    imagesPerSecond: 1000 / timing.msPerImage,
    gflops: gflop / (timing.msPerImage / 1000),
  };
}

interface Forward {
  run(): Promise<void>;
  dispose(): Promise<void>;
  detail?: string;
}

/** How the webgpu rows are labelled: the adapter's driver, and whether it is a software one. */
function adapterLabel(): string {
  const adapter = activeWebGpuAdapter();
  return adapter ? `${adapter.driver}, ${adapter.software ? "software" : "hardware"} adapter` : "webgpu";
}

/** One forward of a random batch, on ONNX Runtime (the graph exported in memory) or a TF.js backend. */
async function forwardOn(c: BenchCase, config: GeneratorConfig, weights: TorchWeights): Promise<Forward> {
  if (c.backend === "onnx" || c.backend === "webgpu") {
    const { createSession } = await import("../../gpu-worker/src/runtime/onnx/session.ts");
    const { Tensor } = await import("onnxruntime-node");
    const webgpu = c.backend === "webgpu";
    const { session, provider } = await createSession(
      exportGeneratorToOnnx(config, weights, { direction: "A2B" }),
      { webgpu },
    );
    const data = Float32Array.from({ length: c.batch * 3 * c.size * c.size }, () => Math.random() * 2 - 1);
    const x = new Tensor("float32", data, [c.batch, 3, c.size, c.size]);
    return {
      detail: webgpu ? adapterLabel() : provider,
      run: async () => {
        await session.run({ input: x });
      },
      dispose: () => session.release(),
    };
  }
  const generator = Generator.fromTorch(config, weights);
  const x = tf.randomUniform([c.batch, c.size, c.size, 3], -1, 1) as tf.Tensor4D;
  return {
    run: async () => {
      const out = generator.forward(x);
      await out.image.data();
      tf.dispose(out);
    },
    dispose: async () => {
      x.dispose();
      generator.dispose();
    },
  };
}

/** A warm-up call, then timed calls until `budgetMs` is spent (at least one): their median, in ms. */
export async function medianTime(
  run: () => Promise<unknown>,
  budgetMs: number,
): Promise<{ median: number; runs: number }> {
  await run();
  const times: number[] = [];
  const start = performance.now();
  do {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  } while (performance.now() - start < budgetMs);
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)] as number, runs: times.length };
}

/**
 * Times one generator on one backend: a warm-up forward, then timed forwards until `budgetMs` is spent
 * (at least one). Weights are PyTorch's default initialisation; speed does not depend on their values.
 */
export async function measure(c: BenchCase, budgetMs: number): Promise<BenchResult> {
  await activateBackend(c.backend);
  const config = benchConfig(c.model, c.size);
  const weights = initialWeights(generatorParamShapes(config), 1);
  const params = [...weights.values()].reduce((n, t) => n + t.data.length, 0);
  const forward = await forwardOn(c, config, weights);
  weights.clear();
  const { median, runs } = await medianTime(forward.run, budgetMs);
  await forward.dispose();
  return benchResult(c, {
    params,
    runs,
    msPerImage: median / c.batch,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    ...(forward.detail ? { detail: forward.detail } : {}),
  });
}
