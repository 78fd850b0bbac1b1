/** @module `npm run bench`'s options: parsed, checked, and explained by `--help`. */
import { parseArgs } from "node:util";
import { BACKEND_NAMES } from "../gpu-worker/src/runtime/backends.ts";
import { DEFAULT_PYTHON } from "./generator/torch-bench.ts";

export const SUITES = [
  "generator",
  "int8",
  "memory",
  "worker",
  "train",
  "edge",
  "framing",
  "cli",
  "chaos",
] as const;
const MODELS = ["light", "full"] as const;
const TRAIN_CASES = ["demo", "light256"] as const;

const OPTIONS = {
  help: { type: "boolean", default: false },
  child: { type: "string" },
  "train-child": { type: "string" },
  suites: { type: "string", default: SUITES.join(",") },
  backends: { type: "string" },
  models: { type: "string", default: MODELS.join(",") },
  size: { type: "string", default: "256" },
  batches: { type: "string", default: "1,4" },
  "budget-ms": { type: "string", default: "15000" },
  python: { type: "string", default: DEFAULT_PYTHON },
  out: { type: "string", default: "bench-results" },
  "train-cases": { type: "string", default: TRAIN_CASES.join(",") },
  "train-budget-ms": { type: "string", default: "30000" },
  "train-timeout-ms": { type: "string", default: "600000" },
  "worker-checkpoint": { type: "string", default: "test/fixtures/ugatit-parity/light64.pt" },
  "worker-input": { type: "string", default: "test/fixtures/ugatit-parity/light64_a_in.png" },
  "worker-size": { type: "string", default: "256" },
  "worker-requests": { type: "string", default: "32" },
  "edge-requests": { type: "string", default: "2000" },
  "edge-concurrency": { type: "string", default: "16" },
  "framing-runs": { type: "string", default: "20" },
  "cli-images": { type: "string", default: "16" },
  "chaos-translations": { type: "string", default: "200" },
  "chaos-concurrency": { type: "string", default: "16" },
  "chaos-read-requests": { type: "string", default: "2000" },
} as const;

export const BENCH_USAGE = `usage: npm run bench -- [options]
  --suites a,b          ${SUITES.join(", ")} (default: all)
  --backends a,b        ${[...BACKEND_NAMES, "pytorch"].join(", ")} (default: those present, webgpu only on a GPU, and pytorch)
  --models a,b          light, full (default: both)        --size N       generator side (256)
  --batches 1,4         batch sizes                        --budget-ms N  time per row (15000)
  --python PATH         the Python with torch for the PyTorch row (${DEFAULT_PYTHON})
  --train-cases a,b     demo, light256                     --out DIR      where reports go (bench-results)
  --cli-images N        images in the CLI's folder run against as many single-image runs (16)
  --chaos-translations N, --chaos-concurrency N, --chaos-read-requests N   the chaos run (200, 16, 2000 a read route)
  --worker-checkpoint, --worker-input, --worker-size, --worker-requests, --edge-requests, --edge-concurrency, --framing-runs`;

export class BenchUsageError extends Error {
  override name = "BenchUsageError";
}

export type BenchOptions = ReturnType<typeof parseBenchOptions>;

function list<T extends string>(flag: string, value: string, known: readonly T[]): T[] {
  const items = value.split(",").filter(Boolean);
  const unknown = items.filter((i) => !(known as readonly string[]).includes(i));
  if (items.length === 0 || unknown.length > 0)
    throw new BenchUsageError(
      `--${flag}: unknown "${unknown.join(",") || value}" (known: ${known.join(", ")})`,
    );
  return items as T[];
}

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new BenchUsageError(`--${flag} must be a positive integer, got "${value}"`);
  return n;
}

/** The options of `argv`, checked; a mistake throws {@link BenchUsageError} with one line to show. */
export function parseBenchOptions(argv: string[]) {
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>["values"];
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false }));
  } catch (error) {
    throw new BenchUsageError((error as Error).message.split("\n")[0] as string);
  }
  return {
    ...values,
    suites: list("suites", values.suites, SUITES),
    backends:
      values.backends === undefined
        ? undefined
        : list("backends", values.backends, [...BACKEND_NAMES, "pytorch"]),
    models: list("models", values.models, MODELS),
    trainCases: list("train-cases", values["train-cases"], TRAIN_CASES),
    size: positive("size", values.size),
    batches: values.batches.split(",").map((b) => positive("batches", b)),
    budgetMs: positive("budget-ms", values["budget-ms"]),
    trainBudgetMs: positive("train-budget-ms", values["train-budget-ms"]),
    trainTimeoutMs: positive("train-timeout-ms", values["train-timeout-ms"]),
    workerSize: positive("worker-size", values["worker-size"]),
    workerRequests: positive("worker-requests", values["worker-requests"]),
    edgeRequests: positive("edge-requests", values["edge-requests"]),
    edgeConcurrency: positive("edge-concurrency", values["edge-concurrency"]),
    framingRuns: positive("framing-runs", values["framing-runs"]),
    cliImages: positive("cli-images", values["cli-images"]),
    chaosTranslations: positive("chaos-translations", values["chaos-translations"]),
    chaosConcurrency: positive("chaos-concurrency", values["chaos-concurrency"]),
    chaosReadRequests: positive("chaos-read-requests", values["chaos-read-requests"]),
  };
}
