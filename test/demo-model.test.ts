/**
 * The shipped demo model learned its translation: on held-out emoji of each style (never trained on),
 * a fixed domain classifier fitted on the training images scores most translations as the target
 * style, while the cycle brings most images back to themselves (nearer to their input than to any other
 * held-out image).
 * The images and the classifier are made by gpu-worker/src/train/prepare-demo-check.ts.
 */
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { modelDomains, openWeightFile } from "@ugatit/model/checkpoints";
import { describe, expect, it } from "vitest";
import { DEMO_MODEL_SIZE } from "../gpu-worker/src/catalogue/catalogue.ts";
import { decodeImage } from "../gpu-worker/src/image/index.ts";
import type { DomainClassifier } from "../gpu-worker/src/train/domain-classifier.ts";
import { checkTranslation } from "../gpu-worker/src/train/translation-check.ts";
import { writeUntrainedModel } from "../infra/local/dev-model.ts";
import { useBackend } from "./helpers/backends.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const MODEL = join(ROOT, "models", "demo", "emoji-light.safetensors");
const CHECK = join(ROOT, "test", "fixtures", "demo-check");

async function images(domain: "A" | "B"): Promise<Uint8Array[]> {
  const dir = join(CHECK, `test${domain}`);
  const files = (await readdir(dir)).filter((f) => f.endsWith(".png")).sort();
  return Promise.all(
    files.map(async (f) => {
      const image = await decodeImage(await readFile(join(dir, f)));
      expect([image.width, image.height]).toEqual([DEMO_MODEL_SIZE, DEMO_MODEL_SIZE]);
      return image.data;
    }),
  );
}

type Report = Awaited<ReturnType<typeof checkTranslation>>;

/** Which of the criteria each side meets. */
function verdict(report: Report) {
  return [report.A, report.B].map((side) => ({
    // the judge tells the two styles apart on real images…
    judgeSeparates: side.realInOwnDomain >= 0.9,
    // …and puts most translations in the other one
    movesToTarget: side.translatedToTarget >= 0.75,
    // the cycle comes back to its own input: nearer to it than to any other image of the set, for most
    // images, and nearer on average than another image of the set is
    cycleComesBack: side.cycleFindsItsInput >= 0.75 && side.cycleL1 < side.otherL1,
  }));
}

async function check(model: string): Promise<Report> {
  await useBackend("wasm");
  const classifier = JSON.parse(await readFile(join(CHECK, "classifier.json"), "utf8")) as DomainClassifier;
  const [a, b] = [await images("A"), await images("B")];
  expect(a.length).toBeGreaterThanOrEqual(30);
  expect(b.length).toBeGreaterThanOrEqual(30);
  return checkTranslation(model, a, b, DEMO_MODEL_SIZE, classifier);
}

describe("the demo model", () => {
  it("names its domains in its metadata, as the page and GET /v1/models show them", async () => {
    const file = await openWeightFile(MODEL);
    try {
      expect(modelDomains(file)).toEqual({ A: "colour emoji", B: "line-art emoji" });
    } finally {
      await file.close();
    }
  });

  it("translates held-out emoji toward the other style, and its cycle comes back close", async () => {
    const report = await check(MODEL);
    const all = { judgeSeparates: true, movesToTarget: true, cycleComesBack: true };
    expect({ verdict: verdict(report), report }).toEqual({ verdict: [all, all], report });
  });

  it("is judged by a check an untrained model fails", async () => {
    const untrained = join(await mkdtemp(join(tmpdir(), "untrained-")), "untrained.safetensors");
    await writeUntrainedModel(untrained);
    const sides = verdict(await check(untrained));
    expect(sides.every((s) => s.judgeSeparates)).toBe(true);
    expect(sides.some((s) => !s.movesToTarget || !s.cycleComesBack)).toBe(true);
    expect(sides.every((s) => !s.cycleComesBack)).toBe(true);
  });
});
