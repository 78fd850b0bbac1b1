/** @module `npm run bench`: the suites the options name, reported as Markdown on stdout and as .md and .json in --out. */
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg } from "node:os";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { defaultBackendOrder, presentBackends } from "../gpu-worker/src/runtime/backends.ts";
import { BENCH_USAGE, type BenchOptions, BenchUsageError, parseBenchOptions } from "./bench-options.ts";
import { benchChaos, type ChaosResult, chaosSection } from "./chaos/chaos-bench.ts";
import { benchCli, type CliBenchResult, cliTable } from "./cli/cli-bench.ts";
import { benchEdge, type EdgeBenchResult, edgeTable } from "./edge/edge-bench.ts";
import { benchFraming, type FramingBenchResult, framingTable } from "./framing/framing-bench.ts";
import { generatorRatios, generatorTable } from "./generator/generator-table.ts";
import { type BenchCase, type BenchResult, measure } from "./generator/measure.ts";
import { measureTorch, torchMissing } from "./generator/torch-bench.ts";
import { benchInt8, type Int8BenchResult, int8Section } from "./int8/int8-bench.ts";
import { benchMemory, type MemoryBenchResult, memorySection } from "./memory/memory-bench.ts";
import {
  benchTraining,
  measureTraining,
  type TrainBenchCase,
  type TrainBenchResult,
} from "./train/train-bench.ts";
import { benchWorker, type WorkerBenchResult, workerTable } from "./worker/worker-bench.ts";

const run = promisify(execFile);
/** Held-out emoji renderings of the demo model's domain A. */
const CLI_BENCH_IMAGES = "test/fixtures/demo-check/testA";

/** Each case runs in its own process, so its peak memory is its own and backends do not share a heap. */
async function measureInChild(c: BenchCase, budgetMs: number): Promise<BenchResult> {
  const args = ["--import", "tsx", import.meta.filename, "--child", JSON.stringify({ ...c, budgetMs })];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split("\n").at(-1) as string) as BenchResult;
}

async function main(): Promise<void> {
  let values: BenchOptions;
  try {
    values = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    process.stderr.write(`bench: ${error.message} (npm run bench -- --help)\n`);
    process.exitCode = 2;
    return;
  }
  if (values.help) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return;
  }
  if (values.child) {
    const { budgetMs, ...c } = JSON.parse(values.child) as BenchCase & { budgetMs: number };
    process.stdout.write(`${JSON.stringify(await measure(c, budgetMs))}\n`);
    return;
  }
  if (values["train-child"]) {
    const { budgetMs, ...c } = JSON.parse(values["train-child"]) as TrainBenchCase & { budgetMs: number };
    process.stdout.write(`${JSON.stringify(await measureTraining(c, budgetMs))}\n`);
    return;
  }
  const suites: string[] = values.suites;
  // a software WebGPU adapter (minutes an image at 256²) only when named, as the worker's default choice
  const hardwareWebGpu = defaultBackendOrder().includes("webgpu");
  const present = presentBackends().filter((b) => b !== "webgpu" || hardwareWebGpu);
  const backends: string[] = values.backends ?? [...present, "pytorch"];
  const workerBackend = backends.find((b) => b !== "pytorch");
  const { size, budgetMs } = values;
  const results: BenchResult[] = [];
  const notes: string[] = [];
  // other processes' work slows every row, PyTorch's (OpenMP) far more than ONNX Runtime's: say so
  const loadBefore = loadavg()[0] as number;
  if (suites.includes("generator")) {
    const { models, batches } = values;
    const noTorch = backends.includes("pytorch") ? await torchMissing(values.python) : undefined;
    if (noTorch) notes.push(`PyTorch row skipped: ${noTorch}.`);
    for (const model of models) {
      for (const backend of backends) {
        if (backend === "pytorch" && noTorch) continue;
        for (const batch of batches) {
          const single = results.find((r) => r.model === model && r.backend === backend && r.batch === 1);
          // a backend that needs more than the whole budget for one image is timed at batch 1 only
          if (batch > 1 && single && single.msPerImage > budgetMs) {
            notes.push(
              `${model} on ${backend} at batch ${batch} skipped: one image took ${(single.msPerImage / 1000).toFixed(0)} s.`,
            );
            continue;
          }
          process.stderr.write(`bench: ${model} ${size}² batch ${batch} on ${backend}…\n`);
          const c = { model, backend, size, batch };
          results.push(
            backend === "pytorch"
              ? await measureTorch(c, budgetMs, values.python)
              : await measureInChild(c, budgetMs),
          );
        }
      }
    }
  }
  let int8: Int8BenchResult | undefined;
  if (suites.includes("int8")) {
    process.stderr.write(`bench: light ${size}² int8 against float32 on ONNX Runtime…\n`);
    int8 = await benchInt8(size, budgetMs);
  }
  let memory: MemoryBenchResult | undefined;
  if (suites.includes("memory")) {
    process.stderr.write("bench: memory of the 1.1 GB full generator on the default backend…\n");
    memory = await benchMemory();
  }
  let worker: WorkerBenchResult[] = [];
  if (suites.includes("worker")) {
    process.stderr.write(`bench: the worker on ${workerBackend}, batching off and on…\n`);
    worker = await benchWorker({
      checkpoint: values["worker-checkpoint"],
      input: values["worker-input"],
      size: values.workerSize,
      backend: workerBackend,
      concurrencies: [1, 4, 16],
      requests: values.workerRequests,
    });
  }
  let training: TrainBenchResult[] = [];
  let trainingSection: string | undefined;
  if (suites.includes("train")) {
    ({ results: training, section: trainingSection } = await benchTraining({
      entry: import.meta.filename,
      cases: values.trainCases,
      backends,
      budgetMs: values.trainBudgetMs,
      timeoutMs: values.trainTimeoutMs,
    }));
  }
  let edge: EdgeBenchResult[] = [];
  if (suites.includes("edge")) {
    process.stderr.write("bench: the edge in workerd (wrangler local mode)…\n");
    edge = await benchEdge({
      checkpoint: values["worker-checkpoint"],
      input: values["worker-input"],
      concurrency: values.edgeConcurrency,
      requests: values.edgeRequests,
    });
  }
  let framing: FramingBenchResult[] = [];
  if (suites.includes("framing")) {
    process.stderr.write("bench: framing a 1-megapixel photo…\n");
    framing = await benchFraming(values.framingRuns);
  }
  let cli: CliBenchResult[] = [];
  if (suites.includes("cli")) {
    process.stderr.write(
      `bench: ugatit translate, ${values.cliImages} images in one folder run and one by one…\n`,
    );
    cli = await benchCli({ source: CLI_BENCH_IMAGES, images: values.cliImages });
  }
  let chaos: ChaosResult | undefined;
  if (suites.includes("chaos")) {
    process.stderr.write(
      `bench: chaos, ${values.chaosTranslations} translations at concurrency ${values.chaosConcurrency} through the local stack…\n`,
    );
    chaos = await benchChaos({
      translations: values.chaosTranslations,
      concurrency: values.chaosConcurrency,
      readRequests: values.chaosReadRequests,
    });
  }
  const sections = [];
  if (results.length) {
    const compared = generatorRatios(results);
    sections.push(
      [
        `Generators (official configuration: ngf 64, 4 blocks), ${size}²\n\n${generatorTable(results)}`,
        ...(compared.length ? [compared.join("\n")] : []),
        `Load average before the first row: ${loadBefore.toFixed(1)} (1 min, ${availableParallelism()} cores)${loadBefore >= 0.5 ? ": other processes were running, so every row is slower than on a quiet machine, PyTorch's most" : ""}.`,
        ...(notes.length ? [notes.join("\n")] : []),
      ].join("\n\n"),
    );
  }
  if (int8) sections.push(int8Section(int8));
  if (memory) sections.push(memorySection(memory));
  if (worker.length) {
    sections.push(
      `Worker (${values["worker-checkpoint"]} at ${values["worker-size"]}², ${workerBackend}, ${values["worker-requests"]} requests per row, through HTTP and S3)\n\n${workerTable(worker)}`,
    );
  }
  if (trainingSection) sections.push(trainingSection);
  if (edge.length) {
    sections.push(
      `Edge (workerd under wrangler's local mode, D1 and rate limiter emulated, ${values["edge-requests"]} requests per row at concurrency ${values["edge-concurrency"]})\n\n${edgeTable(edge)}`,
    );
  }
  if (framing.length) {
    sections.push(
      `Framing (a 1280×800 JPEG; the tiny face detector on ONNX Runtime, one thread; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores)\n\n${framingTable(framing)}`,
    );
  }
  if (cli.length) {
    sections.push(
      `CLI (the demo model at its 96², default backend; wall time of the processes)\n\n${cliTable(cli)}`,
    );
  }
  if (chaos) sections.push(chaosSection(chaos));
  const report = sections.join("\n\n");
  process.stdout.write(`${report}\n`);
  await mkdir(values.out, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = resolve(values.out, `bench-${stamp}`);
  await writeFile(
    `${file}.json`,
    `${JSON.stringify({ date: new Date().toISOString(), generators: results, loadBefore, notes, int8, memory, worker, training, edge, framing, cli, chaos }, null, 2)}\n`,
  );
  await writeFile(`${file}.md`, `${report}\n`);
  process.stderr.write(`bench: results written to ${file}.json and .md\n`);
}

await main();
