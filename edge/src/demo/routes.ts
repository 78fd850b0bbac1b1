import { Hono } from "hono";
import { DEMO_ASSETS } from "../../browser/asset-paths.ts";
import { edgeConfig, type StorageConfig } from "../config/edge-config.ts";
import type { AppEnv } from "../context.ts";
import { DEMO_PAGE } from "./demo-page.ts";

/** The origin presigned URLs point at: the endpoint itself (path style) or the bucket's virtual host. */
export function storageOrigin(storage: StorageConfig): string {
  const endpoint = new URL(storage.endpoint ?? `https://s3.${storage.region}.amazonaws.com`);
  return storage.forcePathStyle
    ? endpoint.origin
    : `${endpoint.protocol}//${storage.bucket}.${endpoint.host}`;
}

/** The page's icon: same origin, so the policy's img-src 'self' covers it (a data: URL would not). */
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#3d5afe"/><path d="M9 8v10a7 7 0 0 0 14 0V8" fill="none" stroke="#fff" stroke-width="4" stroke-linecap="round"/></svg>`;

/**
 * The page's scripts (static assets): its own, the in-browser translation it imports on use, and
 * onnxruntime-web's files (a folder per version).
 */
const PAGE_SCRIPTS = [DEMO_ASSETS.script, DEMO_ASSETS.translateInBrowser, DEMO_ASSETS.ort] as const;

/**
 * The demo page at `/`: its HTML shell, with a policy that runs only its own script files (same origin,
 * their paths only; nothing inline), lets them talk to the API and the storage only, and compile
 * WebAssembly ('wasm-unsafe-eval' allows compiling, not `eval`); its one style sheet, no inline style.
 * onnxruntime-web runs on one thread, so no worker-src; the files it fetches are same-origin.
 */
export const demoRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    const storage = storageOrigin(edgeConfig(c.env).storage);
    const origin = new URL(c.req.url).origin;
    c.header(
      "Content-Security-Policy",
      [
        "default-src 'none'",
        `script-src 'wasm-unsafe-eval' ${PAGE_SCRIPTS.map((path) => origin + path).join(" ")}`,
        `style-src ${origin}${DEMO_ASSETS.style}`,
        `img-src 'self' blob: ${storage}`,
        `connect-src 'self' ${storage}`,
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
      ].join("; "),
    );
    return c.html(DEMO_PAGE);
  })
  .get("/favicon.svg", (c) => {
    c.header("Content-Type", "image/svg+xml");
    c.header("Cache-Control", "public, max-age=86400");
    // an SVG opened on its own is a document: it may run nothing
    c.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    return c.body(FAVICON);
  });
