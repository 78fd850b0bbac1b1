/**
 * @module Makes the demo model's "it learned" check data: fits the domain classifier on the training
 * images and copies held-out test images (resized to the model's size) next to it, then prints the check.
 *
 * @example
 * node --import tsx gpu-worker/src/train/prepare-demo-check.ts --data data/emoji --model models/x.safetensors \
 *   --out test/fixtures/demo-check --size 96 --per-domain 32
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs-core";
import { resizeBilinear } from "@ugatit/contracts/image";
import { decodeImage, encodeImage } from "../image/index.ts";
import { activateBackend } from "../runtime/backends.ts";
import { listImages } from "./dataset.ts";
import { fitDomainClassifier, imageFeatures } from "./domain-classifier.ts";
import { checkTranslation } from "./translation-check.ts";

const { values } = parseArgs({
  options: {
    data: { type: "string" },
    model: { type: "string" },
    out: { type: "string" },
    size: { type: "string", default: "96" },
    "per-domain": { type: "string", default: "32" },
  },
});
if (!values.data || !values.model || !values.out) {
  process.stderr.write("usage: prepare-demo-check --data <dir> --model <model> --out <dir> [--size 96]\n");
  process.exit(2);
}
const size = Number(values.size);
const load = async (file: string) => {
  const d = await decodeImage(await readFile(file));
  return resizeBilinear(d.data, d.width, d.height, size, size);
};
const features = async (dir: string) =>
  Promise.all((await listImages(dir)).map(async (f) => imageFeatures(await load(f), size)));
const classifier = fitDomainClassifier(
  await features(join(values.data, "trainA")),
  await features(join(values.data, "trainB")),
);
await mkdir(values.out, { recursive: true });
await writeFile(join(values.out, "classifier.json"), `${JSON.stringify(classifier)}\n`);
const held: Record<"A" | "B", Uint8Array[]> = { A: [], B: [] };
for (const domain of ["A", "B"] as const) {
  const files = await listImages(join(values.data, `test${domain}`));
  const every = Math.max(1, Math.floor(files.length / Number(values["per-domain"])));
  await mkdir(join(values.out, `test${domain}`), { recursive: true });
  for (const file of files.filter((_, i) => i % every === 0).slice(0, Number(values["per-domain"]))) {
    const rgb = await load(file);
    held[domain].push(rgb);
    await writeFile(
      join(values.out, `test${domain}`, basename(file)),
      await encodeImage(rgb, size, size, "png"),
    );
  }
}
await activateBackend("wasm");
tf.env().set("IS_TEST", false);
const report = await checkTranslation(values.model, held.A, held.B, size, classifier);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
