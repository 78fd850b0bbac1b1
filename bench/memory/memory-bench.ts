/**
 * @module The memory suite: the official full generator (ngf 64, 256², 1.1 GB) in a checkpoint of its
 * own, translated with on the default backend (the peak against the file: issue #16's 2.2× target), and
 * two such generators held as a worker holds a model's two directions (against their bytes: 1.5×).
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type GeneratorConfig, generatorParamShapes, initialWeights } from "@ugatit/model/architecture";
import { elementCount, writeTorchCheckpoint } from "@ugatit/model/checkpoints";
import type { HoldProbe, TranslateProbe } from "./memory-probe.ts";

const PROBE = new URL("./memory-probe.ts", import.meta.url).pathname;

/** Runs the probe in a fresh process, so that what it measures is its own. */
export async function probeMemory(mode: "translate", checkpoint: string): Promise<TranslateProbe>;
export async function probeMemory(mode: "hold", checkpoint: string, directions: string): Promise<HoldProbe>;
export async function probeMemory(
  mode: "translate" | "hold",
  checkpoint: string,
  directions = "A2B",
): Promise<TranslateProbe | HoldProbe> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--expose-gc", "--import", "tsx", PROBE, mode, checkpoint, directions],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) as string);
}

/** Bytes of a generator's float32 weights. */
export function generatorBytes(config: GeneratorConfig): number {
  let n = 0;
  for (const [, shape] of generatorParamShapes(config)) n += 4 * elementCount(shape);
  return n;
}

export interface MemoryBenchResult {
  generatorBytes: number;
  fileBytes: number;
  translate: TranslateProbe;
  hold: HoldProbe;
}

const FULL: GeneratorConfig = { ngf: 64, nBlocks: 4, light: false, imgSize: 256 };

export async function benchMemory(): Promise<MemoryBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), "ugatit-memory-bench-"));
  try {
    const checkpoint = join(dir, "full64.pt");
    await writeTorchCheckpoint(
      checkpoint,
      new Map([["genA2B", initialWeights(generatorParamShapes(FULL), 1)]]),
    );
    const fileBytes = (await stat(checkpoint)).size;
    const translate = await probeMemory("translate", checkpoint);
    // the file's one generator loaded twice: as much as a model's A2B and B2A
    const hold = await probeMemory("hold", checkpoint, "A2B,A2B");
    return { generatorBytes: generatorBytes(FULL), fileBytes, translate, hold };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function memorySection(r: MemoryBenchResult): string {
  const gb = (bytes: number) => `${(bytes / 1e9).toFixed(2)} GB`;
  const held = r.hold.rss - r.hold.before;
  return [
    "Memory (the full generator, ngf 64 at 256², in a checkpoint of its own; default backend, fresh processes)",
    [
      "| case | measured | against | ratio | target |",
      "|---|---|---|---|---|",
      `| translate one image: peak RSS | ${gb(r.translate.peak)} | the file, ${gb(r.fileBytes)} | ${(r.translate.peak / r.fileBytes).toFixed(2)}× | ≤ 2.2× |`,
      `| two generators loaded: RSS growth | ${gb(held)} | their bytes, ${gb(2 * r.generatorBytes)} | ${(held / (2 * r.generatorBytes)).toFixed(2)}× | ≤ 1.5× |`,
    ].join("\n"),
    `The process's own RSS before loading: ${gb(r.translate.before)}.`,
  ].join("\n\n");
}
