/**
 * @module Builds the demo's unpaired dataset from two Iconify emoji sets installed from npm:
 * `trainA/`, `testA/` from one, `trainB/`, `testB/` from the other, each emoji rendered on white, and
 * `domains.json` naming the two (the demo's pair by default), which the trained model carries.
 * Emoji that a training crop can turn into one flat colour (squares, big round shapes) are left out:
 * see `flat-crops.ts`.
 *
 * @example
 * node --import tsx gpu-worker/src/train/prepare-emoji-data.ts \
 *   --a node_modules/@iconify-json/noto/icons.json --b node_modules/@iconify-json/fluent-emoji-high-contrast/icons.json \
 *   --out data/emoji --size 128 --train-size 96 --name-a "colour emoji" --name-b "line-art emoji"
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ModelDomains } from "@ugatit/contracts/domains";
import { resizeBilinear } from "@ugatit/contracts/image";
import sharp from "sharp";
import { decodeImage } from "../image/index.ts";
import { CROP_MARGIN } from "./dataset.ts";
import { DOMAINS_FILE, domainsFileText } from "./domain-names.ts";
import { hasFlatCrop } from "./flat-crops.ts";

interface IconifyIcon {
  body: string;
  width?: number;
  height?: number;
  left?: number;
  top?: number;
}

interface IconifySet {
  prefix: string;
  width?: number;
  height?: number;
  icons: Record<string, IconifyIcon>;
  aliases?: Record<string, unknown>;
}

/** Flags are rectangles of colour in every style: nothing to translate, so they are left out. */
const SKIPPED = /^(flag-|regional-indicator|keycap|[0-9]$)/;

async function render(set: IconifySet, name: string, size: number): Promise<Buffer> {
  const icon = set.icons[name] as IconifyIcon;
  const [w, h] = [icon.width ?? set.width ?? 16, icon.height ?? set.height ?? 16];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${size}" height="${size}" viewBox="${icon.left ?? 0} ${icon.top ?? 0} ${w} ${h}">${icon.body}</svg>`;
  return sharp(Buffer.from(svg))
    .resize(size, size, { fit: "contain", background: "#ffffff" })
    .flatten({ background: "#ffffff" })
    .png()
    .toBuffer();
}

/** Whether training at `trainSize` can crop a flat patch out of the image, as the loader resizes it. */
async function cropsFlat(png: Buffer, trainSize: number): Promise<boolean> {
  const image = await decodeImage(png);
  const side = trainSize + CROP_MARGIN;
  return hasFlatCrop(resizeBilinear(image.data, image.width, image.height, side, side), trainSize);
}

async function renderSet(
  file: string,
  out: string,
  domain: "A" | "B",
  sizes: { size: number; trainSize: number },
  testEvery: number,
) {
  const set = JSON.parse(await readFile(file, "utf8")) as IconifySet;
  const names = Object.keys(set.icons)
    .filter((n) => !SKIPPED.test(n))
    .sort();
  await mkdir(join(out, `train${domain}`), { recursive: true });
  await mkdir(join(out, `test${domain}`), { recursive: true });
  const counts = { train: 0, test: 0, flat: 0 };
  for (const name of names) {
    const png = await render(set, name, sizes.size);
    if (await cropsFlat(png, sizes.trainSize)) {
      counts.flat++;
      continue;
    }
    const held = (counts.train + counts.test) % testEvery === testEvery - 1;
    counts[held ? "test" : "train"]++;
    await writeFile(join(out, `${held ? "test" : "train"}${domain}`, `${set.prefix}-${name}.png`), png);
  }
  return { prefix: set.prefix, ...counts };
}

const { values } = parseArgs({
  options: {
    a: { type: "string" },
    b: { type: "string" },
    out: { type: "string" },
    size: { type: "string", default: "128" },
    "train-size": { type: "string", default: "96" },
    "test-every": { type: "string", default: "10" },
    // the demo's pair: Noto Emoji (A) and Fluent Emoji High Contrast (B)
    "name-a": { type: "string", default: "colour emoji" },
    "name-b": { type: "string", default: "line-art emoji" },
  },
});
if (!values.a || !values.b || !values.out) {
  process.stderr.write(
    "usage: prepare-emoji-data --a <icons.json> --b <icons.json> --out <dir> [--size 128] [--train-size 96] [--name-a <what A is>] [--name-b <what B is>]\n",
  );
  process.exit(2);
}
const sizes = { size: Number(values.size), trainSize: Number(values["train-size"]) };
const every = Number(values["test-every"]);
for (const [domain, file] of [
  ["A", values.a],
  ["B", values.b],
] as const) {
  const r = await renderSet(file, values.out, domain, sizes, every);
  process.stdout.write(
    `${domain}: ${r.prefix}, ${r.train} train, ${r.test} test, ${r.flat} left out as flat\n`,
  );
}
await writeFile(
  join(values.out, DOMAINS_FILE),
  domainsFileText(ModelDomains.parse({ A: values["name-a"], B: values["name-b"] })),
);
