/**
 * @module The edge's static assets (`[assets]` of wrangler.toml, in edge/dist/assets, not in git):
 * onnxruntime-web's runtime files, and the demo page's script, style sheet, sample inputs and in-browser
 * translation (edge/browser; the scripts bundled with the shared code they import). wrangler runs this as its `[build]` command (dev and deploy); the edge's test
 * setups run it too. Every file is written beside its place and renamed over it, so that two builds at once
 * (tests in parallel) never serve a half-written file.
 */
import { randomUUID } from "node:crypto";
import { copyFile, mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { DEMO_ASSETS } from "../browser/asset-paths.ts";
import { REPO_ROOT } from "./wrangler-d1.ts";

export const ASSETS_DIR = join(REPO_ROOT, "edge/dist/assets");
const ORT_DIST = join(REPO_ROOT, "node_modules/onnxruntime-web/dist");
const BROWSER_DIR = join(REPO_ROOT, "edge/browser");

/** The page's scripts: each entry bundled to its URL path. */
const BROWSER_ENTRIES = [
  ["demo-page.ts", DEMO_ASSETS.script],
  ["translate-in-browser.ts", DEMO_ASSETS.translateInBrowser],
] as const;

/**
 * The WebAssembly build (CPU) and the WebGPU build on JSPI: the other WebGPU builds' .wasm files are over
 * the 25 MiB a static asset may be.
 */
export const ORT_FILES = [
  "ort.wasm.min.mjs",
  "ort-wasm-simd-threaded.mjs",
  "ort-wasm-simd-threaded.wasm",
  "ort.jspi.min.mjs",
  "ort-wasm-simd-threaded.jspi.mjs",
  "ort-wasm-simd-threaded.jspi.wasm",
] as const;

/** Static assets larger than this are refused by Workers. */
export const MAX_ASSET_BYTES = 25 * 1024 * 1024;

/** The runtime's files never change under a version's path: cached for a year. */
const HEADERS_FILE = (version: string) =>
  [`${DEMO_ASSETS.ort}${version}/*`, "  Cache-Control: public, max-age=31536000, immutable", ""].join("\n");

/** A URL path's file in the assets folder. */
const assetFile = (path: string) => join(ASSETS_DIR, path.slice(1));

async function writeAtomically(path: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const scratch = `${path}.${randomUUID()}.tmp`;
  await writeFile(scratch, bytes);
  await rename(scratch, path);
}

async function copyAtomically(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  const scratch = `${to}.${randomUUID()}.tmp`;
  await copyFile(from, scratch);
  await rename(scratch, to);
}

/** onnxruntime-web's installed version, which names the folder its files are served from. */
export async function ortVersion(): Promise<string> {
  const pkg = JSON.parse(
    await readFile(join(REPO_ROOT, "node_modules/onnxruntime-web/package.json"), "utf8"),
  );
  return pkg.version as string;
}

/**
 * Builds the assets; resolves with the URL paths written.
 *
 * @example
 * await buildEdgeAssets(); // edge/dist/assets/ort/1.30.0/…, edge/dist/assets/demo/demo-page.js, …
 */
export async function buildEdgeAssets(): Promise<string[]> {
  const version = await ortVersion();
  const written: string[] = [];
  for (const file of ORT_FILES) {
    const path = `${DEMO_ASSETS.ort}${version}/${file}`;
    await copyAtomically(join(ORT_DIST, file), assetFile(path));
    written.push(path);
  }
  for (const [entry, path] of BROWSER_ENTRIES) {
    const bundle = await build({
      entryPoints: [join(BROWSER_DIR, entry)],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      minify: true,
      write: false,
      outfile: assetFile(path),
      define: { ORT_VERSION: JSON.stringify(version) },
      logLevel: "warning",
    });
    for (const file of bundle.outputFiles) {
      await writeAtomically(file.path, file.contents);
      written.push(`/${file.path.slice(ASSETS_DIR.length + 1)}`);
    }
  }
  await copyAtomically(join(BROWSER_DIR, "demo-page.css"), assetFile(DEMO_ASSETS.style));
  written.push(DEMO_ASSETS.style);
  for (const file of await readdir(join(BROWSER_DIR, "samples"))) {
    if (!/\.(png|md)$/.test(file)) continue;
    await copyAtomically(join(BROWSER_DIR, "samples", file), assetFile(`${DEMO_ASSETS.samples}${file}`));
    written.push(`${DEMO_ASSETS.samples}${file}`);
  }
  await writeAtomically(join(ASSETS_DIR, "_headers"), HEADERS_FILE(version));
  return written;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const written = await buildEdgeAssets();
  console.log(`edge assets: ${written.length} files in ${ASSETS_DIR}`);
}
