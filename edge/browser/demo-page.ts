/// <reference lib="dom" />
/**
 * @module The demo page's script (the HTML shell is edge/src/demo/demo-page.ts): a client of the public
 * API exactly as any other (presigned upload, then a translation), and, for light models, the same
 * translation in the browser (./translate-in-browser.ts, imported on first use). Bundled by
 * edge/scripts/build-assets.ts into the edge's static assets.
 */

import { messageOf, PageError, readableError } from "./api-errors.ts";
import { ApiKey } from "./api-key.ts";
import { DEMO_ASSETS } from "./asset-paths.ts";
import { directionFrom } from "./domain-wording.ts";
import { chosenCompose, chosenFraming } from "./framing-choice.ts";
import { translateOnServer } from "./job-polling.ts";
import { ModelPicker } from "./model-picker.ts";
import { pageElements } from "./page-elements.ts";
import { browserResultLine, serverResultLine } from "./result-meta.ts";
import { ResultView } from "./result-view.ts";
import { fetchSample, type Sample, sampleButtons } from "./samples.ts";
import { StatusView } from "./status-view.ts";
import { uploadImage } from "./upload.ts";

type InBrowser = typeof import("./translate-in-browser.ts");

const page = pageElements();
const key = new ApiKey(page.key);
const status = new StatusView(page);
const results = new ResultView(page);
const models = new ModelPicker(page);
const samples = sampleButtons((sample) => void trySample(sample));
page.samples.append(...samples);
let file: File | undefined;
let busy = false;

/** The buttons that start a translation, enabled when one can start. */
function updateButtons(): void {
  page.go.disabled = busy || !file;
  page.goBrowser.disabled = busy || !file;
  for (const button of samples) button.disabled = busy;
  // in-browser translation is offered for light models (a full one's layers are too large for a tab)
  const model = models.selected();
  page.goBrowser.hidden = !(model?.light && model.directions.includes(models.direction()));
}

function choose(chosen: File | undefined): void {
  if (!chosen) return;
  file = chosen;
  page.dropLabel.textContent = `${chosen.name} (${Math.round(chosen.size / 1024)} KB)`;
  results.showInput(chosen);
  status.clearError();
  updateButtons();
}

/** Runs one translation with the buttons locked, its failure shown in words. */
async function run(translation: () => Promise<void>): Promise<void> {
  busy = true;
  updateButtons();
  status.clearError();
  results.startOver();
  try {
    await translation();
  } catch (error) {
    status.fail(messageOf(error));
  } finally {
    status.progress(undefined);
    busy = false;
    updateButtons();
  }
}

function translateHere(image: File): Promise<void> {
  return run(async () => {
    status.say("Asking for an upload URL…");
    const uploadId = await uploadImage(image, key.headers(), (fraction) => {
      status.say("Uploading…");
      status.progress(fraction);
    });
    status.progress(undefined);
    status.say("Translating…");
    const order = {
      uploadId,
      direction: models.direction(),
      model: models.requested(),
      framing: chosenFraming(page.framing.value),
      compose: chosenCompose(page.compose.value),
    };
    const job = await translateOnServer(order, key.headers(), (text) => status.say(text));
    results.showResult(
      job.output.image_url,
      job.output.heatmap_url,
      serverResultLine(job, job.output.cam_logit),
    );
    status.say("Done.");
  });
}

function translateInBrowser(image: File): Promise<void> {
  const model = models.selected();
  if (!model) return Promise.resolve();
  const direction = models.direction();
  return run(async () => {
    status.say("Loading the in-browser translation…");
    const module = (await import(DEMO_ASSETS.translateInBrowser).catch((error: unknown) => {
      throw new PageError(`Translation in the browser could not start: ${messageOf(error)}`);
    })) as InBrowser;
    const result = await module.translateInBrowser({
      file: image,
      model: { id: model.id, size: model.size },
      direction,
      headers: key.headers(),
      describe: readableError,
      onStatus: (text, fraction) => {
        status.say(text);
        status.progress(fraction);
      },
    });
    results.showResult(result.imageUrl, result.heatmapUrl, browserResultLine(result, direction));
    status.say("Done in your browser.");
  });
}

/** One click: the sample becomes the input, its domain's direction is chosen, and the server translates it. */
async function trySample(sample: Sample): Promise<void> {
  // the last result goes at once, so that nothing on the page belongs to another input
  results.startOver();
  status.clearError();
  status.say(`Loading the ${sample.label}…`);
  try {
    choose(await fetchSample(sample));
  } catch (error) {
    status.fail(messageOf(error));
    return;
  }
  models.choose(directionFrom(sample.domain));
  if (file) await translateHere(file);
}

page.drop.addEventListener("click", () => page.file.click());
page.drop.addEventListener("keydown", (e) => {
  if (e.key === "Enter" || e.key === " ") page.file.click();
});
page.file.addEventListener("change", () => choose(page.file.files?.[0]));
for (const type of ["dragenter", "dragover"]) {
  page.drop.addEventListener(type, (e) => {
    e.preventDefault();
    page.drop.classList.add("over");
  });
}
for (const type of ["dragleave", "drop"]) {
  page.drop.addEventListener(type, (e) => {
    e.preventDefault();
    page.drop.classList.remove("over");
  });
}
page.drop.addEventListener("drop", (e) => choose(e.dataTransfer?.files[0]));
page.key.addEventListener("change", () => {
  key.remember();
  void models.load(key.headers());
});
models.onChange(updateButtons);
page.form.addEventListener("submit", (e) => {
  e.preventDefault();
  if (file) void translateHere(file);
});
page.goBrowser.addEventListener("click", () => {
  if (file) void translateInBrowser(file);
});
updateButtons();
void models.load(key.headers());
