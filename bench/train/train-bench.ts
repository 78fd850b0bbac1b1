/** @module Training speed: iterations per second of the official loop (D step + G step, batch 1). */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import * as tf from "@tensorflow/tfjs-core";
import type { GeneratorConfig } from "@ugatit/model/architecture";
import { initialNetworkWeights, Networks, OFFICIAL_DEFAULTS, UgatitTrainer } from "@ugatit/model/train";
import { prepareTraining } from "../../gpu-worker/src/train/tfjs-gradients.ts";
import { activateTrainingBackend } from "../../gpu-worker/src/train/training-backend.ts";

export interface TrainBenchCase {
  /** `demo`: the shipped demo model's configuration; `light256`: the official light model at 256². */
  name: "demo" | "light256";
  backend: string;
  size: number;
  ngf: number;
}

export interface TrainBenchResult extends TrainBenchCase {
  /** Timed iterations (after one warm-up); 0 when the case ran out of time first. */
  runs: number;
  secondsPerIteration: number | null;
  iterationsPerSecond: number | null;
  peakRssMb: number | null;
}

export const TRAIN_CASES: Record<TrainBenchCase["name"], { size: number; ngf: number }> = {
  demo: { size: 96, ngf: 8 },
  light256: { size: 256, ngf: 64 },
};

/** Times training iterations on random images until `budgetMs` is spent (at least one after the warm-up). */
export async function measureTraining(c: TrainBenchCase, budgetMs: number): Promise<TrainBenchResult> {
  await prepareTraining();
  await activateTrainingBackend(c.backend);
  const config: GeneratorConfig = { ngf: c.ngf, nBlocks: 4, light: true, imgSize: null };
  const networks = Networks.fromWeights(config, initialNetworkWeights(config, 1));
  const trainer = new UgatitTrainer(networks, OFFICIAL_DEFAULTS);
  const a = tf.randomUniform([1, c.size, c.size, 3], -1, 1) as tf.Tensor4D;
  const b = tf.randomUniform([1, c.size, c.size, 3], -1, 1) as tf.Tensor4D;
  trainer.step(a, b);
  const times: number[] = [];
  const start = performance.now();
  do {
    const t = performance.now();
    trainer.step(a, b);
    times.push(performance.now() - t);
  } while (performance.now() - start < budgetMs);
  times.sort((x, y) => x - y);
  const median = (times[Math.floor(times.length / 2)] as number) / 1000;
  return {
    ...c,
    runs: times.length,
    secondsPerIteration: median,
    iterationsPerSecond: 1 / median,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

const run = promisify(execFile);

/** One case in its own process, killed after `timeoutMs` (a 256² iteration on plain JS takes tens of minutes). */
export async function measureTrainingInChild(
  entry: string,
  c: TrainBenchCase,
  budgetMs: number,
  timeoutMs: number,
): Promise<TrainBenchResult> {
  const args = ["--import", "tsx", entry, "--train-child", JSON.stringify({ ...c, budgetMs })];
  try {
    const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20, timeout: timeoutMs });
    return JSON.parse(stdout.trim().split("\n").at(-1) as string) as TrainBenchResult;
  } catch {
    return { ...c, runs: 0, secondsPerIteration: null, iterationsPerSecond: null, peakRssMb: null };
  }
}

export function trainTable(results: TrainBenchResult[], timeoutMs: number): string {
  const header = "| case | backend | size | ngf | s/iteration | iterations/s | peak RSS MB | runs |";
  const rule = "|---|---|---|---|---|---|---|---|";
  const rows = results.map((r) =>
    [
      r.name,
      r.backend,
      `${r.size}²`,
      r.ngf,
      r.secondsPerIteration === null
        ? `> ${(timeoutMs / 1000).toFixed(0)}`
        : r.secondsPerIteration.toFixed(2),
      r.iterationsPerSecond === null ? "–" : r.iterationsPerSecond.toFixed(3),
      r.peakRssMb === null ? "–" : r.peakRssMb.toFixed(0),
      r.runs,
    ].join(" | "),
  );
  return [header, rule, ...rows.map((r) => `| ${r} |`)].join("\n");
}

export interface TrainSuiteOptions {
  /** This bench's entry file, re-run as `--train-child` per case. */
  entry: string;
  cases: TrainBenchCase["name"][];
  backends: string[];
  budgetMs: number;
  timeoutMs: number;
}

/** The `train` suite: every case on every TF.js backend given (ONNX Runtime and PyTorch rows are skipped). */
export async function benchTraining(
  o: TrainSuiteOptions,
): Promise<{ results: TrainBenchResult[]; section: string }> {
  const results: TrainBenchResult[] = [];
  for (const name of o.cases) {
    for (const backend of o.backends.filter((b) => !["onnx", "webgpu", "pytorch"].includes(b))) {
      const c = { name, backend, ...TRAIN_CASES[name] };
      process.stderr.write(`bench: training ${name} (${c.size}², ngf ${c.ngf}) on ${backend}…\n`);
      results.push(await measureTrainingInChild(o.entry, c, o.budgetMs, o.timeoutMs));
    }
  }
  const section = `Training (the official loop: D step + G step, batch 1, light, 4 blocks; median after one warm-up)\n\n${trainTable(results, o.timeoutMs)}`;
  return { results, section };
}
