/** @module The generator suite's report: one row per model, backend and batch, and ONNX Runtime's time against the others'. */
import type { BenchResult } from "./measure.ts";

export function generatorTable(results: BenchResult[]): string {
  const header =
    "| model | backend | size | batch | params | GFLOP/img | ms/img | img/s | GFLOP/s | peak RSS MB | runs |";
  const rule = "|---|---|---|---|---|---|---|---|---|---|---|";
  const rows = results.map((r) =>
    [
      r.model,
      r.detail ? `${r.backend} (${r.detail})` : r.backend,
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

/** ONNX Runtime's time against PyTorch's and TF.js WASM's, same model and batch, this run. */
export function generatorRatios(results: BenchResult[]): string[] {
  const lines: string[] = [];
  for (const onnx of results.filter((r) => r.backend === "onnx")) {
    const same = (backend: string) =>
      results.find((r) => r.backend === backend && r.model === onnx.model && r.batch === onnx.batch);
    const parts = [`${onnx.model} batch ${onnx.batch}: ONNX Runtime ${onnx.msPerImage.toFixed(0)} ms/img`];
    for (const [name, backend] of [
      ["PyTorch", "pytorch"],
      ["TF.js WASM", "wasm"],
    ] as const) {
      const other = same(backend);
      if (other) parts.push(`${(onnx.msPerImage / other.msPerImage).toFixed(2)}× ${name}'s time`);
    }
    lines.push(`- ${parts.join(", ")}`);
  }
  return lines;
}
