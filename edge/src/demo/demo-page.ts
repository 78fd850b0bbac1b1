/**
 * @module The demo page's HTML shell at `/`: markup only. Its script (edge/browser/demo-page.ts) and style
 * sheet are static assets the page's policy names; the script fills in the models, what they do, the
 * samples and the results.
 */
import { DEMO_ASSETS } from "../../browser/asset-paths.ts";

export const DEMO_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>U-GAT-IT translation demo</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${DEMO_ASSETS.style}">
<script type="module" src="${DEMO_ASSETS.script}"></script>
</head>
<body>
<h1>U-GAT-IT translation</h1>
<p class="lead">An image-to-image translation model turns a picture of one domain into the other and shows where it looked. Try a sample or upload an image. With a light model, “Translate in my browser” runs the same model in this tab instead: the image stays on your device.</p>
<p id="about" aria-live="polite"></p>
<form id="form">
  <div class="samples" id="samples"><span class="samples-label">Try a sample:</span></div>
  <div id="drop" tabindex="0"><span id="drop-label">Drop an image here or <u>choose one</u> (PNG, JPEG or WebP)</span>
    <input id="file" type="file" accept="image/png,image/jpeg,image/webp" hidden>
  </div>
  <div class="row">
    <label for="direction">Direction</label>
    <select id="direction"></select>
    <label for="model">Model</label>
    <select id="model"><option value="">default</option></select>
    <label for="framing">Framing</label>
    <select id="framing" title="The part of the photo translated"><option value="">model's default</option><option value="fit">whole photo</option><option value="center">centred square</option><option value="face">face</option></select>
    <label for="compose">Result</label>
    <select id="compose"><option value="crop">the translated square</option><option value="paste">pasted back into the photo</option></select>
    <label for="key">API key</label>
    <input id="key" type="text" placeholder="blank for the anonymous tier" size="34" autocomplete="off">
  </div>
  <div class="row">
    <button id="go" type="submit" disabled>Translate</button>
    <button id="go-browser" class="secondary" type="button" disabled hidden title="Runs the model in this tab with ONNX Runtime Web: the image never leaves your device">Translate in my browser</button>
    <span id="status"></span>
  </div>
  <progress id="progress" max="100" value="0" hidden></progress>
  <div id="error" role="alert"></div>
</form>
<div id="results" hidden>
  <figure hidden><img id="input-img" alt="input"><figcaption>Input</figcaption></figure>
  <figure hidden><img id="output-img" alt="translation"><figcaption>Translation</figcaption></figure>
  <figure hidden><img id="heatmap-img" alt="attention heatmap"><figcaption>Attention heatmap</figcaption></figure>
</div>
<div id="meta"></div>
</body>
</html>
`;
