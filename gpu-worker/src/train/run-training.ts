/** @module `ugatit train`'s run: data, networks, the loop, checkpoints, samples, logs and exports. */
import { appendFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { DIRECTIONS } from "@ugatit/contracts/directions";
import type { GeneratorConfig } from "@ugatit/model/architecture";
import { convertCheckpoint, writeBytesAtomically, writeTorchCheckpoint } from "@ugatit/model/checkpoints";
import { exportGeneratorToOnnx } from "@ugatit/model/onnx";
import {
  type IterationLosses,
  initialNetworkWeights,
  learningRate,
  Networks,
  type NetworkWeights,
  networkShapes,
  type TrainingHyperparameters,
  UgatitTrainer,
} from "@ugatit/model/train";
import { decodeImage } from "../image/index.ts";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import { ImageDomain, listImages } from "./dataset.ts";
import { readDomainNames } from "./domain-names.ts";
import { progressLine } from "./progress.ts";
import { sampleGrid } from "./sample-grid.ts";
import { prepareTraining } from "./tfjs-gradients.ts";
import { activateTrainingBackend } from "./training-backend.ts";
import { loadNetworks } from "./weights-io.ts";

export interface TrainRunOptions {
  data: string;
  /** Official checkpoint (or one of ours) to start from; else PyTorch's default initialisation. */
  init?: string | undefined;
  /** A checkpoint of ours to continue exactly: networks, optimisers, iteration. */
  resume?: string | undefined;
  /** Fresh networks' configuration (a checkpoint's own wins). */
  config: GeneratorConfig;
  size?: number | undefined;
  deterministic: boolean;
  seed: number;
  hyper: TrainingHyperparameters;
  backend?: string | undefined;
  /** Folder for checkpoints and sample pictures. */
  out?: string | undefined;
  saveEvery: number;
  sampleEvery: number;
  samples: number;
  printEvery: number;
  log?: string | undefined;
  exportPytorch?: string | undefined;
  /** The generators for serving: fp16 safetensors. */
  export?: string | undefined;
  /** A folder for both generators as ONNX: `A2B.onnx` and `B2A.onnx`. */
  exportOnnx?: string | undefined;
  /** Where progress lines go. */
  report: (line: string) => void;
}

export interface TrainRunResult {
  backend: string;
  size: number;
  iterations: number;
  seconds: number;
  last?: IterationLosses;
}

/** The side training runs at: asked for, else the checkpoint's, else the first training image's. */
async function imageSize(options: TrainRunOptions, fromCheckpoint: number | null): Promise<number> {
  if (options.size !== undefined) return options.size;
  if (fromCheckpoint !== null) return fromCheckpoint;
  const [first] = await listImages(join(options.data, "trainA"));
  const image = await decodeImage(await readFile(first as string));
  return image.width === image.height ? image.width : 256;
}

async function startingPoint(options: TrainRunOptions) {
  if (options.resume) {
    const c = await loadCheckpoint(options.resume);
    return { config: c.config, weights: c.weights, size: c.state.size, resumed: c };
  }
  if (options.init) {
    const { config, weights } = await loadNetworks(options.init);
    return { config, weights, size: config.imgSize, resumed: undefined };
  }
  const weights: NetworkWeights = initialNetworkWeights(options.config, options.seed);
  return { config: options.config, weights, size: options.config.imgSize, resumed: undefined };
}

/** Runs (or continues) a training run to `hyper.iterations`. */
export async function runTraining(options: TrainRunOptions): Promise<TrainRunResult> {
  await prepareTraining();
  const backend = await activateTrainingBackend(options.backend);
  const start = await startingPoint(options);
  const size = await imageSize(options, start.size);
  if (size % 4 !== 0 || size < 96)
    throw new Error(
      `the image size must be a multiple of 4 of at least 96 (the global discriminators' smallest), got ${size}`,
    );
  const domainOptions = { size, deterministic: options.deterministic, seed: options.seed };
  const domainA = await ImageDomain.open(join(options.data, "trainA"), 0, domainOptions);
  const domainB = await ImageDomain.open(join(options.data, "trainB"), 1, domainOptions);
  const domains = await readDomainNames(options.data);
  const networks = Networks.fromWeights(start.config, start.weights);
  start.weights.clear();
  const trainer = new UgatitTrainer(networks, options.hyper);
  if (start.resumed) {
    trainer.gOptimizer.load(start.resumed.optimizer.G);
    trainer.dOptimizer.load(start.resumed.optimizer.D);
    tf.dispose([
      ...Object.values(start.resumed.optimizer).flatMap((s) => [
        ...s.expAvg.values(),
        ...s.expAvgSq.values(),
      ]),
    ]);
    trainer.iteration = start.resumed.state.iteration;
  }
  const samples = options.out ? await sampleInputs(options, domainOptions) : undefined;
  if (options.out) await mkdir(options.out, { recursive: true });
  if (options.log && !start.resumed) await writeFile(options.log, "");
  const state = {
    size,
    seed: options.seed,
    deterministic: options.deterministic,
    hyperparameters: options.hyper,
  };
  const total = options.hyper.iterations;
  const began = performance.now();
  const first = trainer.iteration;
  let last: IterationLosses | undefined;
  for (let step = trainer.iteration + 1; step <= total; step++) {
    const toBatch = (x: Float32Array) => tf.tensor4d(x, [1, size, size, 3]);
    const a = toBatch(await domainA.forIteration(step));
    const b = toBatch(await domainB.forIteration(step));
    last = trainer.step(a, b);
    tf.dispose([a, b]);
    const seconds = (performance.now() - began) / 1000;
    if (options.log) {
      const line = {
        step,
        lr: learningRate(options.hyper, step),
        seconds: Number(seconds.toFixed(3)),
        ...last,
      };
      await appendFile(options.log, `${JSON.stringify(line)}\n`);
    }
    const broken = Object.entries(last).filter(([, v]) => !Number.isFinite(v));
    if (broken.length > 0)
      throw new Error(
        `the losses turned non-finite at iteration ${step} (${broken.map(([k]) => k).join(", ")}); nothing after the last checkpoint is saved`,
      );
    if (step % options.printEvery === 0 || step === total) {
      options.report(progressLine(step, total, (step - first) / seconds, last));
    }
    if (options.out && samples && step % options.sampleEvery === 0)
      await writeSamples(options.out, step, size, networks, samples);
    if (options.out && (step % options.saveEvery === 0 || step === total)) {
      await saveCheckpoint(
        join(options.out, `checkpoint_${String(step).padStart(7, "0")}.safetensors`),
        trainer,
        state,
        domains,
      );
    }
  }
  // the trained weights read back once, for whichever exports want them
  const trained =
    options.exportPytorch || options.exportOnnx
      ? await networks.toWeights(networkShapes(networks.config))
      : undefined;
  if (options.exportPytorch && trained) await writeTorchCheckpoint(options.exportPytorch, trained);
  if (options.export) {
    const tmp = `${options.export}.training.safetensors`;
    await saveCheckpoint(tmp, trainer, state, domains);
    await convertCheckpoint(tmp, options.export, { fp16: true });
    await rm(tmp);
  }
  if (options.exportOnnx && trained) {
    await mkdir(options.exportOnnx, { recursive: true });
    for (const direction of DIRECTIONS) {
      const generator = trained.get(`gen${direction}`);
      if (!generator) throw new Error(`the run has no gen${direction}`);
      await writeBytesAtomically(
        join(options.exportOnnx, `${direction}.onnx`),
        exportGeneratorToOnnx(networks.config, generator, { direction, domains }),
      );
    }
  }
  const seconds = (performance.now() - began) / 1000;
  trainer.dispose();
  networks.dispose();
  return { backend, size, iterations: trainer.iteration - first, seconds, ...(last ? { last } : {}) };
}

/** The sample pictures' inputs: the first images of testA/testB when present, else of trainA/trainB. */
async function sampleInputs(
  options: TrainRunOptions,
  domainOptions: { size: number; deterministic: boolean; seed: number },
) {
  const pick = async (domain: "A" | "B", index: number) => {
    const test = await ImageDomain.open(join(options.data, `test${domain}`), index, domainOptions).catch(
      () => undefined,
    );
    const source =
      test ?? (await ImageDomain.open(join(options.data, `train${domain}`), index, domainOptions));
    const count = Math.min(options.samples, source.length);
    const step = Math.max(1, Math.floor(source.length / count));
    return Promise.all(Array.from({ length: count }, (_, i) => source.test(i * step)));
  };
  return { A: await pick("A", 0), B: await pick("B", 1) };
}

async function writeSamples(
  out: string,
  step: number,
  size: number,
  networks: Networks,
  samples: { A: Float32Array[]; B: Float32Array[] },
) {
  const { genA2B, genB2A } = networks.generators;
  const name = String(step).padStart(7, "0");
  await writeFile(join(out, `A2B_${name}.png`), await sampleGrid(samples.A, size, genA2B, genB2A));
  await writeFile(join(out, `B2A_${name}.png`), await sampleGrid(samples.B, size, genB2A, genA2B));
}
