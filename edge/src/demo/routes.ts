import { Hono } from "hono";
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

/** Where the page's in-browser translation module and onnxruntime-web's files are (static assets). */
const BROWSER_SCRIPTS = ["/demo/translate-in-browser.js", "/ort/"] as const;

/**
 * The demo page at `/`, with a policy that lets its one script talk to the API and the storage only, and
 * import the in-browser translation: those modules (same origin, their paths only) and WebAssembly
 * compiled from them ('wasm-unsafe-eval' allows compiling, not `eval`). onnxruntime-web runs on one
 * thread, so no worker-src; the files it fetches are same-origin.
 */
export const demoRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    const storage = storageOrigin(edgeConfig(c.env).storage);
    const origin = new URL(c.req.url).origin;
    c.header(
      "Content-Security-Policy",
      [
        "default-src 'none'",
        `script-src 'nonce-${nonce}' 'wasm-unsafe-eval' ${BROWSER_SCRIPTS.map((path) => origin + path).join(" ")}`,
        "style-src 'unsafe-inline'",
        `img-src 'self' blob: ${storage}`,
        `connect-src 'self' ${storage}`,
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
      ].join("; "),
    );
    return c.html(DEMO_PAGE.replace("__NONCE__", nonce));
  })
  .get("/favicon.svg", (c) => {
    c.header("Content-Type", "image/svg+xml");
    c.header("Cache-Control", "public, max-age=86400");
    // an SVG opened on its own is a document: it may run nothing
    c.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    return c.body(FAVICON);
  });
