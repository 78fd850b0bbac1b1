/** @module The line under the pictures: which model made them, where, how fast, and the CAM logits. */
import type { Direction } from "@ugatit/contracts/directions";
import type { TranslationJob } from "../src/translations/schemas.ts";
import type { BrowserTranslationResult } from "./translate-in-browser.ts";

/** "850 ms", "2.4 s" */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function camText([gap, gmp]: readonly [number, number]): string {
  return `cam_logit [${gap.toFixed(4)}, ${gmp.toFixed(4)}]`;
}

/** "model demo@1 · A2B · on the server · framing face [10, 20, 300, 300] · cam_logit [0.1234, -0.5678]" */
export function serverResultLine(
  job: Pick<TranslationJob, "model" | "direction"> & { framing?: TranslationJob["framing"] },
  camLogit: [number, number],
): string {
  // the whole photo (fit) needs no box; a crop says where it was taken
  const framing = job.framing;
  const box =
    framing?.box && framing.mode !== "fit" ? ` · framing ${framing.mode} [${framing.box.join(", ")}]` : "";
  return `model ${job.model} · ${job.direction} · on the server${box} · ${camText(camLogit)}`;
}

/** "model demo@1 · A2B · in your browser (wasm) · model 0.7 MB, loaded in 1.2 s · translated in 40 ms · cam_logit […]" */
export function browserResultLine(result: BrowserTranslationResult, direction: Direction): string {
  const loaded =
    result.loadMs === undefined
      ? "model already loaded"
      : `model ${(result.modelBytes / 1e6).toFixed(1)} MB, loaded in ${formatDuration(result.loadMs)}`;
  return [
    `model ${result.model}`,
    direction,
    `in your browser (${result.backend})`,
    loaded,
    `translated in ${formatDuration(result.inferenceMs)}`,
    camText(result.camLogit),
  ].join(" · ");
}
