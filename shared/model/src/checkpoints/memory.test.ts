import { afterAll, beforeAll, expect, test } from "vitest";
import { generatorParamShapes } from "../architecture/generator-spec.ts";
import { runMemoryProbe, type Scratch, scratch, writeFullCheckpoint } from "./testing.ts";
import { elementCount } from "./weight-file.ts";

let dir: Scratch;
beforeAll(async () => {
  dir = await scratch();
});
afterAll(() => dir.remove());

/** A value per element that a wrong offset or a mixed-up tensor would not reproduce. */
const valueAt = (i: number) => Math.fround(((i * 7919) % 1021) / 1021 - 0.5);

function network(shapes: Map<string, number[]>) {
  return new Map(
    [...shapes].map(([name, shape]) => {
      const data = new Float32Array(elementCount(shape));
      for (let i = 0; i < data.length; i++) data[i] = valueAt(i);
      return [name, { shape, data }];
    }),
  );
}

// Runs in a fresh process so its peak RSS is the loader's alone.
const PROBE = `
import { loadGenerator } from ${JSON.stringify(new URL("./load.ts", import.meta.url).href)};
const before = process.memoryUsage().rss;
const { config, weights } = await loadGenerator(process.argv[2], "B2A");
const fc = weights.get("FC.0.weight").data;
const peak = process.resourceUsage().maxRSS * 1024;
const at = [0, 123457, fc.length - 1];
console.log(JSON.stringify({ before, peak, config, length: fc.length, samples: at.map((i) => [i, fc[i]]) }));
`;

test("loading one generator of a ~540 MB official checkpoint costs about that generator in memory", async () => {
  // A full generator with ngf 32 at 256²: FC.0 is 128 × 524,288 floats, 268 MB of the 270 MB.
  const generator = network(generatorParamShapes({ ngf: 32, nBlocks: 4, light: false, imgSize: 256 }));
  const generatorBytes = [...generator.values()].reduce((n, t) => n + t.data.byteLength, 0);
  const path = dir.path("big.pt");
  const fileBytes = await writeFullCheckpoint(path, generator, network);
  generator.clear();

  const result = await runMemoryProbe<{
    before: number;
    peak: number;
    config: unknown;
    length: number;
    samples: [number, number][];
  }>(dir, PROBE, path);
  expect(result.config).toEqual({ ngf: 32, nBlocks: 4, light: false, imgSize: 256 });
  expect(result.length).toBe(128 * 524_288);
  for (const [i, value] of result.samples) expect(value).toBe(valueAt(i));

  const growth = result.peak - result.before;
  expect(growth).toBeLessThan(2 * fileBytes);
  // Tighter: one copy of the generator, plus slack for the runtime; a second copy would fail this.
  expect(growth).toBeLessThan(1.4 * generatorBytes);
});
