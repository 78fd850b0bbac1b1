/**
 * @module The self-contained GPU benchmark (bundled by build.sh, run by run.sh on a host with no Node and
 * no network): a light generator (ngf 64, 4 blocks) from random weights, exported in float32 and with
 * float16 convolutions, timed on WebGPU through the host's Vulkan driver at each batch.
 * Prints a Markdown table, then one JSON line of the figures.
 */
import { parseArgs } from "node:util";
import { type GeneratorConfig, generatorParamShapes, initialWeights } from "@ugatit/model/architecture";
import { exportGeneratorToOnnx } from "@ugatit/model/onnx";
import { Tensor } from "onnxruntime-node";
import { createSession } from "../../gpu-worker/src/runtime/onnx/session.ts";
import { PRECISIONS, type Precision } from "../../gpu-worker/src/runtime/translator.ts";
import { openWebGpu } from "../../gpu-worker/src/runtime/webgpu/webgpu-adapter.ts";

interface Row {
  precision: Precision;
  batch: number;
  runs: number;
  msPerImage: number;
  imagesPerSecond: number;
}

/** Median forward time of one batch, after a warm-up, until the budget is spent (at least 3 runs). */
async function time(
  run: () => Promise<unknown>,
  budgetMs: number,
): Promise<{ runs: number; median: number }> {
  await run();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 3 || performance.now() - start < budgetMs) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { runs: times.length, median: times[Math.floor(times.length / 2)]! };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      size: { type: "string", default: "256" },
      batches: { type: "string", default: "1,8,32" },
      precisions: { type: "string", default: PRECISIONS.join(",") },
      "budget-ms": { type: "string", default: "5000" },
    },
  });
  const positive = (text: string, name: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${text}"`);
    return n;
  };
  const size = positive(values.size, "size");
  if (size % 4 !== 0) throw new Error(`--size must be a multiple of 4, got ${size}`);
  const batches = values.batches.split(",").map((b) => positive(b, "batches"));
  const budgetMs = positive(values["budget-ms"], "budget-ms");
  const precisions = values.precisions.split(",").map((p) => {
    if (!(PRECISIONS as readonly string[]).includes(p)) throw new Error(`--precisions: unknown "${p}"`);
    return p as Precision;
  });

  const adapter = await openWebGpu({ allowSoftware: true });
  const config: GeneratorConfig = { ngf: 64, nBlocks: 4, light: true, imgSize: null };
  const weights = initialWeights(generatorParamShapes(config), 1);
  const rows: Row[] = [];
  for (const precision of precisions) {
    const model = exportGeneratorToOnnx(config, weights, {
      direction: "A2B",
      halfConvolutions: precision === "fp16",
    });
    const { session } = await createSession(model, { webgpu: true });
    for (const batch of batches) {
      process.stderr.write(`gpu-bench: ${size}² batch ${batch} ${precision}…\n`);
      const data = Float32Array.from({ length: batch * 3 * size * size }, () => Math.random() * 2 - 1);
      const input = new Tensor("float32", data, [batch, 3, size, size]);
      const { runs, median } = await time(() => session.run({ input }), budgetMs);
      rows.push({
        precision,
        batch,
        runs,
        msPerImage: median / batch,
        imagesPerSecond: (1000 * batch) / median,
      });
    }
    await session.release();
  }

  const label = `${adapter.vendor} ${adapter.driver}${adapter.architecture ? ` (${adapter.architecture})` : ""}, ${adapter.software ? "software" : "hardware"} adapter`;
  process.stdout.write(
    [
      `U-GAT-IT light generator (ngf 64, 4 blocks), ${size}², random weights, ONNX Runtime WebGPU on ${label}`,
      "",
      "| precision | batch | ms/img | img/s | runs |",
      "|---|---|---|---|---|",
      ...rows.map(
        (r) =>
          `| ${r.precision} | ${r.batch} | ${r.msPerImage.toFixed(1)} | ${r.imagesPerSecond.toFixed(2)} | ${r.runs} |`,
      ),
      JSON.stringify({ size, adapter, rows }),
      "",
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  // one line, as the CLI does: a wrong option or a missing adapter is not a crash
  process.stderr.write(
    `gpu-bench: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}\n`,
  );
  process.exitCode = 1;
});
