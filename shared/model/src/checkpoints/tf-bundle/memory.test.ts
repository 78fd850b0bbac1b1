import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { openWeightFile } from "../open.ts";
import { runMemoryProbe, type Scratch, scratch, TF_UGATIT } from "../testing.ts";
import { elementCount } from "../weight-file.ts";
import { type BundleTensor, writeTfBundle } from "./bundle-writer.ts";

let dir: Scratch;
beforeAll(async () => {
  dir = await scratch();
});
afterAll(() => dir.remove());

/** A value per element and tensor that a wrong offset or a mixed-up tensor would not reproduce. */
const valueAt = (tensor: number, i: number) => Math.fround((((i + 7 * tensor) * 7919) % 1021) / 1021 - 0.5);

/** The light ch-8 fixture's shapes at ch 64, full at 256²: every channel ×8, the MLP's first layer full. */
function fullSize(name: string, shape: number[]): number[] {
  if (/MLP\/linear_0\/dense\/kernel(\/Adam(_1)?)?$/.test(name)) return [(256 / 4) ** 2 * 256, 256];
  const scale = (d: number) => (d === 1 || d === 3 ? d : 8 * d);
  return shape.length === 4 ? [shape[0]!, shape[1]!, ...shape.slice(2).map(scale)] : shape.map(scale);
}

const isGeneratorB = (name: string) => name.startsWith("generator_B/") && !/\/Adam(_1)?$/.test(name);

/** The variable an Adam slot belongs to: the slot has its shape (the fixture's slots are one value each). */
const variableOf = (name: string) => name.replace(/\/Adam(_1)?$/, "");

// Runs in a fresh process so its peak RSS is the reader's alone; it keeps every tensor, as a loader does.
const PROBE = `
import { openWeightFile } from ${JSON.stringify(new URL("../open.ts", import.meta.url).href)};
const before = process.memoryUsage().rss;
const file = await openWeightFile(process.argv[2]);
const kept = new Map();
for (const name of file.tensors.keys()) {
  if (name.startsWith("generator_B/") && !/\\/Adam(_1)?$/.test(name)) kept.set(name, await file.read(name));
}
await file.close();
const peak = process.resourceUsage().maxRSS * 1024;
const mlp = kept.get("generator_B/MLP/linear_0/dense/kernel");
const at = [0, 123457, mlp.length - 1];
console.log(JSON.stringify({ before, peak, count: kept.size, length: mlp.length, samples: at.map((i) => [i, mlp[i]]) }));
`;

test("one generator of a full-size training checkpoint (ch 64, 256², Adam slots) costs about that generator", async () => {
  const light = await openWeightFile(join(TF_UGATIT, "light64"));
  const names = [...light.tensors.values()];
  await light.close();
  const shapes = new Map(names.map((info) => [info.name, info.shape]));
  let generatorBytes = 0;
  let fileBytes = 0;
  const mlpIndex = names.findIndex((t) => t.name === "generator_B/MLP/linear_0/dense/kernel");
  const tensors: BundleTensor[] = names.map((info, index) => {
    const shape = fullSize(info.name, shapes.get(variableOf(info.name))!);
    fileBytes += 4 * elementCount(shape);
    if (!isGeneratorB(info.name)) return { name: info.name, shape, content: "zeros" };
    generatorBytes += 4 * elementCount(shape);
    return { name: info.name, shape, content: (i: number) => valueAt(index, i) };
  });
  expect(generatorBytes).toBe(4 * 278_970_308);
  // Both generators with two full-size Adam slots each: six times the generator read.
  expect(fileBytes).toBeGreaterThanOrEqual(6 * generatorBytes);
  const folder = dir.path("");
  await writeTfBundle(join(folder, "UGATIT.model-1000000"), tensors);
  await writeFile(join(folder, "checkpoint"), 'model_checkpoint_path: "UGATIT.model-1000000"\n');

  const result = await runMemoryProbe<{
    before: number;
    peak: number;
    count: number;
    length: number;
    samples: [number, number][];
  }>(dir, PROBE, folder);
  expect(result.count).toBe(92);
  expect(result.length).toBe(1_048_576 * 256);
  for (const [i, value] of result.samples) expect(value).toBe(valueAt(mlpIndex, i));
  // The file holds both generators and two Adam slots each: six times this generator.
  expect(result.peak).toBeLessThan(2.5 * generatorBytes);
  // Tighter: one copy of the generator plus slack for the runtime; a second copy of any large tensor fails it.
  expect(result.peak - result.before).toBeLessThan(1.25 * generatorBytes);
}, 300_000);
