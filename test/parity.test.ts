/**
 * Parity with the official PyTorch code: every case of test/fixtures/ugatit-parity, both directions,
 * through the path `ugatit translate` takes (decode → Translator → PNG), on every backend present
 * (ONNX Runtime among them, its graph exported in memory; WebGPU where a Vulkan driver is, lavapipe in
 * CI), and through an exported `.onnx` file.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { loadGenerator } from "@ugatit/model/checkpoints";
import { exportGeneratorToOnnx } from "@ugatit/model/onnx";
import { describe, expect, it } from "vitest";
import { decodeImage } from "../gpu-worker/src/image/index.ts";
import { defaultBackendOrder, presentBackends } from "../gpu-worker/src/runtime/backends.ts";
import { loadTranslator } from "../gpu-worker/src/runtime/create-translator.ts";
import { maxAbsDifference } from "./helpers/max-abs-difference.ts";
import { readNpy } from "./helpers/npy.ts";
import { FIXTURES } from "./helpers/reference.ts";

const run = promisify(execFile);
const PARITY = resolve(FIXTURES, "ugatit-parity");
const CLI = resolve(FIXTURES, "../../gpu-worker/bin/ugatit.js");

interface Direction {
  input: string;
  output: string;
  cam_logit: [number, number];
  heatmap: string;
}
interface Case {
  name: string;
  light: boolean;
  img_size: number;
  checkpoint: string;
  directions: Record<"A2B" | "B2A", Direction>;
}

const { cases } = JSON.parse(await readFile(join(PARITY, "cases.json"), "utf8")) as { cases: Case[] };
const runs = cases.flatMap((c) =>
  (["A2B", "B2A"] as const).flatMap((direction) =>
    presentBackends().map((backend) => ({ c, direction, backend })),
  ),
);

async function pixels(file: string) {
  return (await decodeImage(await readFile(file))).data;
}

function expectRelative(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number) {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i] as number));
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    // relative per element; a tiny floor keeps exact zeros from demanding exact zeros
    expect(Math.abs((actual[i] as number) - e), `element ${i}`).toBeLessThanOrEqual(
      tolerance * (Math.abs(e) + 1e-3 * scale),
    );
  }
}

/** The checkpoint's generator exported by `ugatit convert --format onnx`. */
async function exportedOnnx(c: Case, direction: "A2B" | "B2A"): Promise<string> {
  const { config, weights } = await loadGenerator(join(PARITY, c.checkpoint), direction);
  const file = join(await mkdtemp(join(tmpdir(), "ugatit-parity-")), `${c.name}-${direction}.onnx`);
  await writeFile(file, exportGeneratorToOnnx(config, weights, { direction }));
  return file;
}

describe("parity with the official PyTorch implementation", () => {
  it.each([
    ...runs,
    ...cases.flatMap((c) =>
      (["A2B", "B2A"] as const).map((direction) => ({ c, direction, backend: "onnx-file" })),
    ),
  ])("$c.name $direction on $backend", async ({ c, direction, backend }) => {
    const d = c.directions[direction];
    const onnxFile = backend === "onnx-file";
    const translator = await loadTranslator({
      checkpoint: onnxFile ? await exportedOnnx(c, direction) : join(PARITY, c.checkpoint),
      direction,
      size: c.light ? c.img_size : undefined,
      backend: onnxFile ? "onnx" : backend,
    });
    const input = await decodeImage(await readFile(join(PARITY, d.input)));
    const [result] = await translator.translate([input]);
    translator.dispose();
    expect(result?.image.width).toBe(c.img_size);
    expect(maxAbsDifference(result!.image.data, await pixels(join(PARITY, d.output)))).toBeLessThanOrEqual(1);
    expectRelative(result!.camLogit, d.cam_logit, 1e-4);
    expectRelative(result!.heatmap, readNpy(join(PARITY, d.heatmap)).data, 1e-4);
  });

  it.each(cases)("ugatit translate writes $name's official output (both directions)", async (c) => {
    const dir = await mkdtemp(join(tmpdir(), "ugatit-parity-"));
    for (const direction of ["A2B", "B2A"] as const) {
      const d = c.directions[direction];
      const output = join(dir, `${direction}.png`);
      const { stdout } = await run(process.execPath, [
        CLI,
        "translate",
        "--checkpoint",
        join(PARITY, c.checkpoint),
        "--direction",
        direction,
        "--input",
        join(PARITY, d.input),
        "--output",
        output,
        "--heatmap",
        join(dir, `${direction}-heatmap.png`),
        "--json",
        ...(c.light ? ["--size", String(c.img_size)] : []),
      ]);
      const report = JSON.parse(stdout) as {
        cam_logit: number[];
        size: number;
        backend: string;
        inference_ms: number;
      };
      expect(report.size).toBe(c.img_size);
      expect(report.backend).toBe(defaultBackendOrder()[0]);
      expect(report.inference_ms).toBeGreaterThan(0);
      expectRelative(report.cam_logit, d.cam_logit, 1e-4);
      expect(
        maxAbsDifference(await pixels(output), await pixels(join(PARITY, d.output))),
      ).toBeLessThanOrEqual(1);
      const heatmap = await decodeImage(await readFile(join(dir, `${direction}-heatmap.png`)));
      expect([heatmap.width, heatmap.height]).toEqual([c.img_size, c.img_size]);
    }
  });
});
