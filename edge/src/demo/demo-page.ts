/**
 * The demo page at `/`: a client of the public API exactly as any other (presigned upload, then a
 * translation), in one self-contained HTML document with no third-party code; and, for light models,
 * the same translation in the browser (the module edge/browser/translate-in-browser.ts, imported on use).
 */
export const DEMO_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>U-GAT-IT translation demo</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>
  :root { font-family: system-ui, sans-serif; color: #1d1d1f; background: #f6f6f8; }
  body { max-width: 960px; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin-bottom: .25rem; }
  p.lead { margin-top: 0; color: #555; }
  form { display: grid; gap: .75rem; background: #fff; padding: 1rem; border-radius: 12px; box-shadow: 0 1px 3px #0002; }
  #drop { border: 2px dashed #aab; border-radius: 10px; padding: 1.5rem; text-align: center; cursor: pointer; }
  #drop.over { background: #eef; }
  .row { display: flex; gap: 1rem; flex-wrap: wrap; align-items: center; }
  label { font-weight: 600; }
  input[type=text], select { padding: .4rem; border-radius: 6px; border: 1px solid #bbc; }
  button { padding: .5rem 1.2rem; border: 0; border-radius: 8px; background: #3b5bdb; color: #fff; font-weight: 600; cursor: pointer; }
  button:disabled { background: #99a; cursor: default; }
  button.secondary { background: #fff; color: #3b5bdb; box-shadow: inset 0 0 0 2px #3b5bdb; }
  button.secondary:disabled { color: #99a; box-shadow: inset 0 0 0 2px #99a; background: #fff; }
  progress { width: 100%; }
  #error { color: #b00020; font-weight: 600; min-height: 1.2em; }
  #results { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 1rem; margin-top: 1rem; }
  figure { margin: 0; background: #fff; padding: .5rem; border-radius: 10px; box-shadow: 0 1px 3px #0002; }
  figure img { width: 100%; image-rendering: auto; border-radius: 6px; background: #ddd; }
  figcaption { text-align: center; font-size: .9rem; color: #555; margin-top: .3rem; }
  #meta { margin-top: .5rem; font-family: ui-monospace, monospace; font-size: .9rem; }
</style>
</head>
<body>
<h1>U-GAT-IT translation</h1>
<p class="lead">Upload an image; the model translates it to the other domain and shows where it looked. With a light model, “Translate in my browser” runs the same model in this tab instead: the image stays on your device.</p>
<form id="form">
  <div id="drop" tabindex="0">Drop an image here or <u>choose one</u> (PNG, JPEG or WebP)
    <input id="file" type="file" accept="image/png,image/jpeg,image/webp" hidden>
  </div>
  <div class="row">
    <label for="direction">Direction</label>
    <select id="direction"><option value="A2B">A → B</option><option value="B2A">B → A</option></select>
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
  <figure><img id="input-img" alt="input"><figcaption>Input</figcaption></figure>
  <figure><img id="output-img" alt="translation"><figcaption>Translation</figcaption></figure>
  <figure><img id="heatmap-img" alt="attention heatmap"><figcaption>Attention heatmap</figcaption></figure>
</div>
<div id="meta"></div>
<script type="module" nonce="__NONCE__">
const $ = (id) => document.getElementById(id);
const keyInput = $("key");
keyInput.value = localStorage.getItem("ugatit-key") ?? "";
let file;

function headers(extra = {}) {
  const key = keyInput.value.trim();
  return key ? { authorization: "Bearer " + key, ...extra } : extra;
}

/** A problem+json answer (or anything else) as one readable sentence. */
async function readableError(response) {
  let body;
  try { body = await response.json(); } catch { body = undefined; }
  const what = body?.title ?? response.statusText ?? "Request failed";
  const detail = body?.detail ? ": " + body.detail : "";
  const retry = response.headers.get("retry-after");
  return what + detail + (retry ? " (try again in " + retry + " s)" : "") + " [" + response.status + "]";
}

function showError(message) { $("error").textContent = message; $("status").textContent = ""; }

function choose(f) {
  if (!f) return;
  file = f;
  $("drop").firstChild.textContent = f.name + " (" + Math.round(f.size / 1024) + " KB) ";
  $("input-img").src = URL.createObjectURL(f);
  $("go").disabled = false;
  $("go-browser").disabled = false;
  showError("");
}

$("drop").addEventListener("click", () => $("file").click());
$("drop").addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") $("file").click(); });
$("file").addEventListener("change", (e) => choose(e.target.files[0]));
for (const type of ["dragenter", "dragover"]) $("drop").addEventListener(type, (e) => { e.preventDefault(); $("drop").classList.add("over"); });
for (const type of ["dragleave", "drop"]) $("drop").addEventListener(type, (e) => { e.preventDefault(); $("drop").classList.remove("over"); });
$("drop").addEventListener("drop", (e) => choose(e.dataTransfer.files[0]));

let models = [];

async function loadModels() {
  const r = await fetch("/v1/models", { headers: headers() });
  models = r.ok ? (await r.json()).models ?? [] : [];
  const select = $("model");
  const chosen = select.value;
  select.length = 1;
  for (const m of models) {
    const option = document.createElement("option");
    option.value = m.id;
    option.textContent = m.id + (m.untrained ? " (untrained)" : "") + (m.light ? "" : " (full)");
    select.append(option);
  }
  select.value = models.some((m) => m.id === chosen) ? chosen : "";
  showBrowserControl();
}

/** The model a translation would use: the one chosen, else the default. */
function selectedModel() {
  return models.find((m) => ($("model").value ? m.id === $("model").value : m.default));
}

/** In-browser translation is offered for light models (a full one's layers are too large for a tab). */
function showBrowserControl() {
  const m = selectedModel();
  $("go-browser").hidden = !(m && m.light && m.directions.includes($("direction").value));
}
keyInput.addEventListener("change", () => { localStorage.setItem("ugatit-key", keyInput.value.trim()); loadModels(); });
$("model").addEventListener("change", showBrowserControl);
$("direction").addEventListener("change", showBrowserControl);
loadModels();

/** PUT with upload progress: fetch() cannot report it, XMLHttpRequest can. */
function put(url, headersToSend, body) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    for (const [k, v] of Object.entries(headersToSend)) {
      if (k.toLowerCase() !== "content-length") xhr.setRequestHeader(k, v);
    }
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) $("progress").value = (100 * e.loaded) / e.total; };
    xhr.onload = () => (xhr.status < 300 ? resolve() : reject(new Error("The storage refused the upload [" + xhr.status + "]")));
    xhr.onerror = () => reject(new Error("The upload could not reach the storage"));
    xhr.send(body);
  });
}

async function poll(location) {
  for (;;) {
    const r = await fetch(location, { headers: headers() });
    if (!r.ok) throw new Error(await readableError(r));
    const job = await r.json();
    if (job.status !== "queued" && job.status !== "running") return job;
    $("status").textContent = "Job " + job.status + "…";
    await new Promise((done) => setTimeout(done, 1000));
  }
}

/** Clears the last results and locks the buttons while a translation runs. */
function start() {
  $("go").disabled = true;
  $("go-browser").disabled = true;
  showError("");
  $("results").hidden = false;
  for (const id of ["output-img", "heatmap-img"]) {
    const src = $(id).getAttribute("src");
    if (src?.startsWith("blob:")) URL.revokeObjectURL(src);
    $(id).removeAttribute("src");
  }
  $("meta").textContent = "";
}

function finish() {
  $("progress").hidden = true;
  $("progress").value = 0;
  $("go").disabled = false;
  $("go-browser").disabled = false;
}

const ms = (t) => (t < 1000 ? Math.round(t) + " ms" : (t / 1000).toFixed(1) + " s");
const camText = ([gap, gmp]) => "cam_logit [" + gap.toFixed(4) + ", " + gmp.toFixed(4) + "]";

$("go-browser").addEventListener("click", async () => {
  const model = selectedModel();
  if (!file || !model) return;
  start();
  const direction = $("direction").value;
  try {
    $("status").textContent = "Loading the in-browser translation…";
    let module;
    try {
      module = await import("/demo/translate-in-browser.js");
    } catch (error) {
      throw new Error("Translation in the browser could not start: " + error.message);
    }
    const result = await module.translateInBrowser({
      file,
      model: { id: model.id, size: model.size },
      direction,
      headers: headers(),
      describe: readableError,
      onStatus: (text, fraction) => {
        $("status").textContent = text;
        $("progress").hidden = fraction === undefined;
        if (fraction !== undefined) $("progress").value = 100 * fraction;
      },
    });
    $("output-img").src = result.imageUrl;
    $("heatmap-img").src = result.heatmapUrl;
    const loaded = result.loadMs === undefined
      ? "model already loaded"
      : "model " + (result.modelBytes / 1e6).toFixed(1) + " MB, loaded in " + ms(result.loadMs);
    $("meta").textContent = "model " + result.model + " · " + direction + " · in your browser (" + result.backend + ") · " +
      loaded + " · translated in " + ms(result.inferenceMs) + " · " + camText(result.camLogit);
    $("status").textContent = "Done in your browser.";
  } catch (error) {
    showError(error.message);
  } finally {
    finish();
  }
});

$("form").addEventListener("submit", async (e) => {
  e.preventDefault();
  if (!file) return;
  start();
  try {
    $("status").textContent = "Asking for an upload URL…";
    const upload = await fetch("/v1/uploads", {
      method: "POST",
      headers: headers({ "content-type": "application/json" }),
      body: JSON.stringify({ content_type: file.type, content_length: file.size }),
    });
    if (!upload.ok) throw new Error(await readableError(upload));
    const { upload_id, url, headers: putHeaders } = await upload.json();
    $("status").textContent = "Uploading…";
    $("progress").hidden = false;
    await put(url, putHeaders, file);
    $("status").textContent = "Translating…";
    const body = { upload_id, direction: $("direction").value, outputs: ["image", "heatmap"] };
    if ($("model").value) body.model = $("model").value;
    if ($("framing").value) body.framing = $("framing").value;
    body.compose = $("compose").value;
    const created = await fetch("/v1/translations", {
      method: "POST",
      headers: headers({ "content-type": "application/json", prefer: "wait=60" }),
      body: JSON.stringify(body),
    });
    if (!created.ok) throw new Error(await readableError(created));
    let job = await created.json();
    if (created.status === 202) job = await poll(created.headers.get("location"));
    if (job.status !== "succeeded") throw new Error("The translation " + job.status + (job.error ? ": " + (job.error.detail ?? job.error.title ?? job.error) : ""));
    $("output-img").src = job.output.image_url;
    if (job.output.heatmap_url) $("heatmap-img").src = job.output.heatmap_url;
    const box = job.framing && job.framing.box ? " · framing " + job.framing.mode + " [" + job.framing.box.join(", ") + "]" : "";
    $("meta").textContent = "model " + job.model + " · " + job.direction + " · on the server" + box + " · " + camText(job.output.cam_logit);
    $("status").textContent = "Done.";
  } catch (error) {
    showError(error.message);
  } finally {
    finish();
  }
});
</script>
</body>
</html>
`;
