/**
 * @module A child process that measures its own memory while it loads generators as the CLI and the worker
 * do, on the default backend: `translate CHECKPOINT` (one image through A2B: the peak RSS) or
 * `hold CHECKPOINT DIRECTIONS` (each direction of the comma-separated list loaded and used once, as a
 * worker serves them: the resident memory once the garbage is collected). Prints one line of JSON.
 * Run with --expose-gc.
 */
import { isDirection } from "@ugatit/contracts/directions";
// ONNX Runtime's library loaded before the baseline is read (loadTranslator imports it lazily)
import "../../gpu-worker/src/runtime/onnx/session.ts";
import { loadTranslator } from "../../gpu-worker/src/runtime/create-translator.ts";

export interface TranslateProbe {
  /** RSS before anything was loaded, in bytes. */
  before: number;
  /** Peak RSS of the process, in bytes. */
  peak: number;
  /** The translated image's side. */
  side: number;
}

export interface HoldProbe {
  before: number;
  /** RSS with every generator loaded and used once, after collection, in bytes. */
  rss: number;
  held: number;
}

const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error("memory-probe: run node with --expose-gc");
const [mode, checkpoint, list = "A2B"] = process.argv.slice(2);
if (!checkpoint || (mode !== "translate" && mode !== "hold")) {
  throw new Error("usage: memory-probe.ts translate|hold CHECKPOINT [A2B,B2A]");
}
const directions = list.split(",").map((d) => {
  if (!isDirection(d)) throw new Error(`memory-probe: no direction ${d}`);
  return d;
});

collect();
const before = process.memoryUsage().rss;
const side = 256;
const image = { width: side, height: side, data: new Uint8Array(side * side * 3).fill(128) };
if (mode === "translate") {
  const translator = await loadTranslator({ checkpoint, direction: "A2B" });
  const [result] = await translator.translate([image]);
  const probe: TranslateProbe = {
    before,
    peak: process.resourceUsage().maxRSS * 1024,
    side: result?.image.width ?? 0,
  };
  console.log(JSON.stringify(probe));
} else {
  const held = [];
  for (const direction of directions) held.push(await loadTranslator({ checkpoint, direction }));
  for (const t of held) await t.translate([image]);
  collect();
  await new Promise((done) => setTimeout(done, 100));
  collect();
  const probe: HoldProbe = { before, rss: process.memoryUsage().rss, held: held.length };
  console.log(JSON.stringify(probe));
}
