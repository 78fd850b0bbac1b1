/**
 * @module Where the demo page's static assets are served: edge/scripts/build-assets.ts writes them there,
 * the page's HTML links them and its Content-Security-Policy names exactly these.
 */
export const DEMO_ASSETS = {
  /** The page's script (./demo-page.ts bundled). */
  script: "/demo/demo-page.js",
  /** The page's style sheet (./demo-page.css). */
  style: "/demo/demo-page.css",
  /** "Translate in my browser" (./translate-in-browser.ts bundled), imported on first use. */
  translateInBrowser: "/demo/translate-in-browser.js",
  /** The sample inputs (./samples/). */
  samples: "/demo/samples/",
  /** onnxruntime-web's files, under a folder per version. */
  ort: "/ort/",
} as const;
