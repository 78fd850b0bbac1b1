/**
 * Memory of a full model on the onnx backend, measured in fresh processes on a synthetic official-layout
 * checkpoint (ngf 32, 256²: each generator 270 MB, the file 565 MB): translating peaks within 2.5× the
 * file (typically 1.7×), and a worker's two generators, once loaded, hold at most 1.5× their bytes.
 */
import { execFile } from "node:child_process";
import { stat, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { discriminatorParamShapes, generatorParamShapes, initialWeights } from "@ugatit/model/architecture";
import { writeTorchCheckpoint } from "@ugatit/model/checkpoints";
import { afterAll, beforeAll, expect, test } from "vitest";
import { scratch } from "../../../../shared/model/src/checkpoints/testing.ts";

const CONFIG = { ngf: 32, nBlocks: 4, light: false, imgSize: 256 };

// `translate`: one image through one direction, as the CLI does; `hold`: both directions loaded, as a
// worker serves them, and the resident memory once the garbage is collected.
const PROBE = `
import ${JSON.stringify(new URL("./session.ts", import.meta.url).href)};
import { loadTranslator } from ${JSON.stringify(new URL("../create-translator.ts", import.meta.url).href)};
const [mode, checkpoint] = process.argv.slice(2);
globalThis.gc();
const before = process.memoryUsage().rss;
const side = 256;
const image = { width: side, height: side, data: new Uint8Array(side * side * 3).fill(128) };
if (mode === "translate") {
  const translator = await loadTranslator({ checkpoint, direction: "A2B" });
  const [result] = await translator.translate([image]);
  console.log(JSON.stringify({ before, peak: process.resourceUsage().maxRSS * 1024, side: result.image.width }));
} else {
  const held = [await loadTranslator({ checkpoint, direction: "A2B" }), await loadTranslator({ checkpoint, direction: "B2A" })];
  for (const t of held) await t.translate([image]);
  globalThis.gc();
  await new Promise((done) => setTimeout(done, 100));
  globalThis.gc();
  console.log(JSON.stringify({ before, rss: process.memoryUsage().rss, held: held.length }));
}
`;

let dir: Awaited<ReturnType<typeof scratch>>;
let checkpoint: string;
let fileBytes: number;
let generatorBytes: number;

beforeAll(async () => {
  dir = await scratch();
  const generator = initialWeights(generatorParamShapes(CONFIG), 1);
  generatorBytes = [...generator.values()].reduce((n, t) => n + t.data.byteLength, 0);
  const discriminator = (nLayers: number) => initialWeights(discriminatorParamShapes({ ndf: 8, nLayers }), 2);
  checkpoint = dir.path("full32.pt");
  await writeTorchCheckpoint(
    checkpoint,
    new Map([
      ["genA2B", generator],
      ["genB2A", generator],
      ["disGA", discriminator(7)],
      ["disGB", discriminator(7)],
      ["disLA", discriminator(5)],
      ["disLB", discriminator(5)],
    ]),
  );
  generator.clear();
  fileBytes = (await stat(checkpoint)).size;
  await writeFile(dir.path("probe.mjs"), PROBE);
}, 120_000);
afterAll(() => dir.remove());

async function probe(mode: "translate" | "hold") {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--expose-gc", "--import", "tsx", dir.path("probe.mjs"), mode, checkpoint],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) as string);
}

// Typically 1.7× (was 2.3× before the weights were dropped after export, 4.2× before that); when V8 collects the
// dropped weights depends on the machine's load, and a loaded CI run has reached 2.27×: the bound guards the
// regressions, the 2.2× target is measured by the benchmark.
test("translating with a full checkpoint peaks within 2.5× the checkpoint file", async () => {
  const { peak, side } = await probe("translate");
  expect(side).toBe(256);
  expect(peak).toBeLessThan(2.5 * fileBytes);
}, 180_000);

test("a worker holding both generators of a full model stays within 1.5× their bytes", async () => {
  const { before, rss, held } = await probe("hold");
  expect(held).toBe(2);
  expect(rss - before).toBeLessThan(1.5 * 2 * generatorBytes);
}, 180_000);
