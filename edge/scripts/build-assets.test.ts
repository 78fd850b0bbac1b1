import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { DEMO_ASSETS } from "../browser/asset-paths.ts";
import { SAMPLES } from "../browser/samples.ts";
import { ASSETS_DIR, buildEdgeAssets, ortVersion } from "./build-assets.ts";

const file = (path: string) => join(ASSETS_DIR, path.slice(1));

describe("the edge's static assets", () => {
  it("hold the demo page's bundled scripts, its style sheet and every sample it offers, with its licence", async () => {
    const written = await buildEdgeAssets();
    const version = await ortVersion();
    for (const path of [
      DEMO_ASSETS.script,
      DEMO_ASSETS.translateInBrowser,
      DEMO_ASSETS.style,
      `${DEMO_ASSETS.samples}NOTICE.md`,
      `${DEMO_ASSETS.ort}${version}/ort.wasm.min.mjs`,
    ]) {
      expect(written).toContain(path);
    }
    const script = await readFile(file(DEMO_ASSETS.script), "utf8");
    // one module bundled whole: no import but the in-browser translation's, on use
    expect(script).not.toMatch(/^import\s|\bimport\s*["{]/m);
    expect(script).toContain(JSON.stringify(DEMO_ASSETS.translateInBrowser));
    for (const api of ['"/v1/uploads"', '"/v1/translations"', '"/v1/models"']) expect(script).toContain(api);

    // the samples offered are the samples shipped, small PNGs of the demo model's size
    const shipped = (await readdir(join(ASSETS_DIR, DEMO_ASSETS.samples))).filter((f) => f.endsWith(".png"));
    expect(shipped.sort()).toEqual(SAMPLES.map((s) => s.file).sort());
    for (const sample of SAMPLES) {
      const meta = await sharp(file(`${DEMO_ASSETS.samples}${sample.file}`)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["png", 96, 96]);
    }
  });
});
