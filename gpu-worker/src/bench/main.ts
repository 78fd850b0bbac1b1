import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs, promisify } from "node:util";
import { presentBackends } from "../runtime/backends.ts";
import { type BenchCase, type BenchResult, measure } from "./measure.ts";

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
    },
  });
  if (values.child) {
    const { budgetMs, ...c } = JSON.parse(values.child) as BenchCase & { budgetMs: number };
    process.stdout.write(`${JSON.stringify(await measure(c, budgetMs))}\n`);
    return;
  }
  const backends = values.backends?.split(",") ?? presentBackends();
  const models = values.models.split(",") as BenchCase["model"][];
  const batches = values.batches.split(",").map(Number);
  const size = Number(values.size);
  const budgetMs = Number(values["budget-ms"]);
  const results: BenchResult[] = [];
  for (const model of models) {
    for (const backend of backends) {
      for (const batch of batches) {
        process.stderr.write(`bench: ${model} ${size}² batch ${batch} on ${backend}…\n`);
        results.push(await measureInChild({ model, backend, size, batch }, budgetMs));
      }
    }
  }
  const report = table(results);
  process.stdout.write(`${report}\n`);
  await mkdir(values.out, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = resolve(values.out, `bench-${stamp}`);
  await writeFile(
    `${file}.json`,
    `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`,
  );
  await writeFile(`${file}.md`, `${report}\n`);
  process.stderr.write(`bench: results written to ${file}.json and .md\n`);
}

await main();
