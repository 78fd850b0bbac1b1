import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs, promisify } from "node:util";
import { presentBackends } from "../runtime/backends.ts";
import { type BenchCase, type BenchResult, measure } from "./measure.ts";
import { benchWorker, type WorkerBenchResult, workerTable } from "./worker-bench.ts";

const run = promisify(execFile);

/** Each case runs in its own process, so its peak memory is its own and backends do not share a heap. */
async function measureInChild(c: BenchCase, budgetMs: number): Promise<BenchResult> {
  const args = ["--import", "tsx", import.meta.filename, "--child", JSON.stringify({ ...c, budgetMs })];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split("\n").at(-1) as string) as BenchResult;
}

function table(results: BenchResult[]): string {
  const header =
    "| model | backend | size | batch | params | GFLOP/img | ms/img | img/s | GFLOP/s | peak RSS MB | runs |";
  const rule = "|---|---|---|---|---|---|---|---|---|---|---|";
  const rows = results.map((r) =>
    [
      r.model,
      r.backend,
      `${r.size}²`,
      r.batch,
      r.params.toLocaleString("en-US"),
      r.gflopPerImage.toFixed(1),
      r.msPerImage.toFixed(0),
      r.imagesPerSecond.toFixed(2),
      r.gflops.toFixed(1),
      r.peakRssMb.toFixed(0),
      r.runs,
    ].join(" | "),
  );
  return [header, rule, ...rows.map((r) => `| ${r} |`)].join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: "string" },
      backends: { type: "string" },
      models: { type: "string", default: "light,full" },
      size: { type: "string", default: "256" },
      batches: { type: "string", default: "1" },
      "budget-ms": { type: "string", default: "15000" },
      out: { type: "string", default: "bench-results" },
      suites: { type: "string", default: "generator,worker" },
      "worker-checkpoint": { type: "string", default: "test/fixtures/ugatit-parity/light64.pt" },
      "worker-input": { type: "string", default: "test/fixtures/ugatit-parity/light64_a_in.png" },
      "worker-size": { type: "string", default: "256" },
      "worker-requests": { type: "string", default: "32" },
    },
  });
  if (values.child) {
    const { budgetMs, ...c } = JSON.parse(values.child) as BenchCase & { budgetMs: number };
    process.stdout.write(`${JSON.stringify(await measure(c, budgetMs))}\n`);
    return;
  }
  const suites = values.suites.split(",");
  const backends = values.backends?.split(",") ?? presentBackends();
  const size = Number(values.size);
  const results: BenchResult[] = [];
  if (suites.includes("generator")) {
    const models = values.models.split(",") as BenchCase["model"][];
    const batches = values.batches.split(",").map(Number);
    const budgetMs = Number(values["budget-ms"]);
    for (const model of models) {
      for (const backend of backends) {
        for (const batch of batches) {
          process.stderr.write(`bench: ${model} ${size}² batch ${batch} on ${backend}…\n`);
          results.push(await measureInChild({ model, backend, size, batch }, budgetMs));
        }
      }
    }
  }
  let worker: WorkerBenchResult[] = [];
  if (suites.includes("worker")) {
    process.stderr.write(`bench: the worker on ${backends[0]}, batching off and on…\n`);
    worker = await benchWorker({
      checkpoint: values["worker-checkpoint"],
      input: values["worker-input"],
      size: Number(values["worker-size"]),
      backend: backends[0],
      concurrencies: [1, 4, 16],
      requests: Number(values["worker-requests"]),
    });
  }
  const sections = [];
  if (results.length)
    sections.push(`Generators (official configuration: ngf 64, 4 blocks), ${size}²\n\n${table(results)}`);
  if (worker.length) {
    sections.push(
      `Worker (${values["worker-checkpoint"]} at ${values["worker-size"]}², ${backends[0]}, ${values["worker-requests"]} requests per row, through HTTP and S3)\n\n${workerTable(worker)}`,
    );
  }
  const report = sections.join("\n\n");
  process.stdout.write(`${report}\n`);
  await mkdir(values.out, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = resolve(values.out, `bench-${stamp}`);
  await writeFile(
    `${file}.json`,
    `${JSON.stringify({ date: new Date().toISOString(), generators: results, worker }, null, 2)}\n`,
  );
  await writeFile(`${file}.md`, `${report}\n`);
  process.stderr.write(`bench: results written to ${file}.json and .md\n`);
}

await main();
