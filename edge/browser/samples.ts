/// <reference lib="dom" />
/**
 * @module Sample inputs to try with one click: held-out emoji of the demo model's two domains (never
 * trained on; the Noto and Fluent renderings of test/fixtures/demo-check, licences in ./samples/NOTICE.md),
 * served as static assets.
 */
import type { ModelDomains } from "@ugatit/contracts/domains";
import { PageError } from "./api-errors.ts";
import { DEMO_ASSETS } from "./asset-paths.ts";

export interface Sample {
  /** Its file in ./samples/, served under DEMO_ASSETS.samples. */
  file: string;
  /** What it shows. */
  label: string;
  /** Which of the demo model's domains it is from: A colour emoji (Noto), B line-art emoji (Fluent). */
  domain: keyof ModelDomains;
}

export const SAMPLES: readonly Sample[] = [
  { file: "noto-sloth.png", label: "sloth", domain: "A" },
  { file: "noto-sushi.png", label: "sushi", domain: "A" },
  { file: "noto-ringed-planet.png", label: "ringed planet", domain: "A" },
  { file: "noto-basketball.png", label: "basketball", domain: "A" },
  { file: "fluent-emoji-high-contrast-otter.png", label: "otter (line art)", domain: "B" },
  { file: "fluent-emoji-high-contrast-bicycle.png", label: "bicycle (line art)", domain: "B" },
];

/** The sample's picture as a file, as if the user had chosen it. */
export async function fetchSample(sample: Sample): Promise<File> {
  const answer = await fetch(`${DEMO_ASSETS.samples}${sample.file}`);
  if (!answer.ok) throw new PageError(`The sample ${sample.label} could not be loaded [${answer.status}]`);
  return new File([await answer.blob()], sample.file, { type: "image/png" });
}

/** One button per sample, its picture inside; `onPick` runs on a click. */
export function sampleButtons(onPick: (sample: Sample) => void): HTMLButtonElement[] {
  return SAMPLES.map((sample) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sample";
    button.title = `Translate the ${sample.label}`;
    const img = document.createElement("img");
    img.src = `${DEMO_ASSETS.samples}${sample.file}`;
    img.alt = sample.label;
    img.width = 64;
    img.height = 64;
    button.append(img);
    // a sample that cannot be shown is not offered
    img.addEventListener("error", () => {
      button.hidden = true;
    });
    button.addEventListener("click", () => onPick(sample));
    return button;
  });
}
