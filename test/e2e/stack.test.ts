/// <reference lib="dom" />
/**
 * End to end through the real stack: the edge in workerd (wrangler dev), the worker process and the
 * signature-checking S3 server, as `npm start` runs them; faults made by killing and restarting parts.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { modelOutputToRgb, rgbToModelInput, toChannelsFirst, toChannelsLast } from "@ugatit/contracts/image";
import { ONNX_INPUT, ONNX_OUTPUTS } from "@ugatit/model/onnx";
import { InferenceSession, Tensor } from "onnxruntime-node";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyWebhook } from "../../edge/test/node/webhook-receiver.ts";
import { DEMO_MODEL_SIZE } from "../../gpu-worker/src/catalogue/catalogue.ts";
import { ROOT } from "../helpers/processes.ts";
import { startTestStack } from "../helpers/stack.ts";

const run = promisify(execFile);
/** What `npm start` serves, at the size it serves it: the shipped demo model, which names its domains. */
const CHECKPOINT = join(ROOT, "models/demo/emoji-light.safetensors");
const INPUT = join(ROOT, "test/fixtures/ugatit-parity/light64_a_in.png");

let stack: Awaited<ReturnType<typeof startTestStack>>;
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${stack.info.edgeUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${stack.info.apiKey}`, ...(init.headers as Record<string, string>) },
  });

interface Job {
  id: string;
  status: string;
  model: string;
  output: { image_url: string; heatmap_url: string | null; cam_logit: [number, number] } | null;
  error: unknown;
}

/** The presigned flow a client follows: announce, PUT to the store, and get the upload id back. */
async function upload(file = INPUT): Promise<string> {
  const bytes = await readFile(file);
  const r = await api("/v1/uploads", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ content_type: "image/png", content_length: bytes.length }),
  });
  expect(r.status).toBe(201);
  const { upload_id, url, headers } = (await r.json()) as {
    upload_id: string;
    url: string;
    headers: Record<string, string>;
  };
  const put = await fetch(url, { method: "PUT", headers, body: bytes });
  expect(put.status).toBe(200);
  return upload_id;
}

async function translate(uploadId: string, prefer?: string) {
  return api("/v1/translations", {
    method: "POST",
    headers: { "content-type": "application/json", ...(prefer ? { prefer } : {}) },
    body: JSON.stringify({ upload_id: uploadId, direction: "A2B", outputs: ["image", "heatmap"] }),
  });
}

async function settle(id: string, timeoutMs = 90_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await (await api(`/v1/translations/${id}`)).json()) as Job;
    if (!["queued", "running"].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function pixels(bytes: Uint8Array | string) {
  return sharp(bytes).removeAlpha().raw().toBuffer();
}

/** The server's translation of INPUT: its image and heatmap as RGB, and cam_logit. */
async function serverTranslation() {
  const job = (await (await translate(await upload(), "wait=60")).json()) as Job;
  expect(job.status).toBe("succeeded");
  const download = async (url: string) => pixels(new Uint8Array(await (await fetch(url)).arrayBuffer()));
  return {
    image: await download(job.output!.image_url),
    heatmap: await download(job.output!.heatmap_url as string),
    camLogit: job.output!.cam_logit,
  };
}

/** How RGB bytes and the RGB of RGBA bytes differ: the largest difference in levels, the share of pixels that do. */
function difference(rgb: Uint8Array, rgba: Uint8Array): { max: number; pixels: number } {
  expect(rgba.length / 4).toBe(rgb.length / 3);
  let max = 0;
  let differing = 0;
  for (let p = 0; p < rgb.length / 3; p++) {
    let here = 0;
    for (let c = 0; c < 3; c++) here = Math.max(here, Math.abs(rgb[p * 3 + c]! - rgba[p * 4 + c]!));
    max = Math.max(max, here);
    if (here > 0) differing++;
  }
  return { max, pixels: differing / (rgb.length / 3) };
}

beforeAll(async () => {
  stack = await startTestStack();
  expect(stack.info.checkpoint).toBe(CHECKPOINT);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

describe("through the real edge, worker and storage", () => {
  it("presigned upload → synchronous translation → download: the pixels `ugatit translate` gives", async () => {
    const r = await translate(await upload(), "wait=60");
    expect(r.status).toBe(200);
    const job = (await r.json()) as Job;
    expect(job.status).toBe("succeeded");
    const image = new Uint8Array(await (await fetch(job.output!.image_url)).arrayBuffer());
    const cli = join(await mkdtemp(join(tmpdir(), "ugatit-e2e-")), "cli.png");
    await run(process.execPath, [
      join(ROOT, "gpu-worker/bin/ugatit.js"),
      "translate",
      "--checkpoint",
      CHECKPOINT,
      "--size",
      String(DEMO_MODEL_SIZE),
      "--direction",
      "A2B",
      "--input",
      INPUT,
      "--output",
      cli,
    ]);
    expect((await pixels(image)).equals(await pixels(cli))).toBe(true);
    expect((await stat(cli)).size).toBeGreaterThan(0);
  });

  it("the asynchronous path: 202, polling to succeeded, both outputs downloadable, DELETE removes them", async () => {
    const r = await translate(await upload());
    expect(r.status).toBe(202);
    const location = r.headers.get("location") as string;
    const { id } = (await r.json()) as Job;
    expect(location).toContain(id);
    const job = await settle(id);
    expect(job.status).toBe("succeeded");
    for (const url of [job.output!.image_url, job.output!.heatmap_url as string]) {
      const got = await fetch(url);
      expect(got.status).toBe(200);
      expect((await sharp(new Uint8Array(await got.arrayBuffer())).metadata()).width).toBe(DEMO_MODEL_SIZE);
    }
    expect([200, 204]).toContain((await api(`/v1/translations/${id}`, { method: "DELETE" })).status);
    expect((await fetch(job.output!.image_url)).status).toBe(404);
    expect((await fetch(job.output!.heatmap_url as string)).status).toBe(404);
  });
});

/** Debian's Chromium (CI installs it); a developer without it skips only this block, CI never does. */
const CHROMIUM = "/usr/bin/chromium";
const haveChromium = await stat(CHROMIUM).then(
  () => true,
  () => false,
);

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The RGBA pixels an <img> of the page shows, as the page's canvas reads them. */
async function shownPixels(page: Page, id: string): Promise<Uint8Array> {
  const base64 = await page.evaluate(async (imageId) => {
    const img = document.getElementById(imageId) as HTMLImageElement;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext("2d") as CanvasRenderingContext2D;
    context.drawImage(img, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let text = "";
    for (const byte of data) text += String.fromCharCode(byte);
    return btoa(text);
  }, id);
  return new Uint8Array(Buffer.from(base64, "base64"));
}

/** Opens the demo page with the development key entered (and committed, as leaving the field does). */
async function openDemo(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${stack.info.edgeUrl}/`);
  await page.fill("#key", stack.info.apiKey);
  await page.press("#key", "Tab");
  await page.setInputFiles("#file", INPUT);
  await page.waitForSelector("#go-browser:not([hidden]):not([disabled])", { timeout: 30_000 });
  return page;
}

/** Clicks "Translate in my browser" and waits for it to end; the page's status and error then. */
async function translateInBrowser(page: Page, timeoutMs = 120_000) {
  await page.click("#go-browser");
  await page.waitForFunction(
    () =>
      document.getElementById("status")?.textContent === "Done in your browser." ||
      (document.getElementById("error")?.textContent ?? "") !== "",
    null,
    { timeout: timeoutMs },
  );
  return { error: await page.textContent("#error"), meta: (await page.textContent("#meta")) ?? "" };
}

/**
 * The in-browser result against the server's: every pixel within 1 level; the heatmap within one level of its
 * grey map, which JET colours 4 levels apart (a float32 rounding can move a value across a level boundary).
 */
async function expectServersResult(
  page: Page,
  meta: string,
  server: Awaited<ReturnType<typeof serverTranslation>>,
) {
  const image = difference(server.image, await shownPixels(page, "output-img"));
  const heatmap = difference(server.heatmap, await shownPixels(page, "heatmap-img"));
  expect(image.max).toBeLessThanOrEqual(1);
  expect(heatmap.max).toBeLessThanOrEqual(4);
  const cam = /cam_logit \[(-?\d+\.\d{4}), (-?\d+\.\d{4})\]/.exec(meta);
  expect(Number(cam?.[1])).toBeCloseTo(server.camLogit[0], 3);
  expect(Number(cam?.[2])).toBeCloseTo(server.camLogit[1], 3);
  return { image, heatmap };
}

/** The page's pictures that are visible without a loaded image: empty frames or broken-image placeholders. */
function brokenPictures(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll("img"))
      .filter(
        (img) => img.checkVisibility() && !(img.getAttribute("src") && img.complete && img.naturalWidth > 0),
      )
      .map((img) => img.id || img.alt),
  );
}

/** Waits until the server's translation in `direction` is shown: "Done.", its line, both pictures loaded. */
async function serverResultShown(page: Page, direction: string): Promise<void> {
  await page.waitForFunction(
    (expected) => {
      const loaded = (id: string) => {
        const img = document.getElementById(id) as HTMLImageElement | null;
        return Boolean(img?.complete && img.naturalWidth > 0);
      };
      return (
        (document.getElementById("error")?.textContent ?? "") !== "" ||
        (document.getElementById("status")?.textContent === "Done." &&
          (document.getElementById("meta")?.textContent ?? "").includes(expected) &&
          loaded("output-img") &&
          loaded("heatmap-img"))
      );
    },
    ` · ${direction} · on the server · `,
    { timeout: 60_000 },
  );
  expect(await page.textContent("#error")).toBe("");
}

describe.skipIf(!haveChromium && !process.env.CI)("the demo page in headless Chromium", () => {
  it("says what the model does, shows no empty picture on first load, and translates a sample in one click", async () => {
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, "--disable-gpu"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
      // as a newcomer: no key (the local stack's anonymous tier)
      await page.goto(`${stack.info.edgeUrl}/`);
      await page.waitForFunction(
        () =>
          (document.getElementById("about")?.textContent ?? "") !== "" &&
          Array.from(document.querySelectorAll<HTMLImageElement>("#samples img")).every(
            (img) => img.complete && img.naturalWidth > 0,
          ),
        null,
        { timeout: 30_000 },
      );
      expect(await page.textContent("#about")).toBe(
        `${stack.info.model}@1 turns colour emoji into line-art emoji, and line-art emoji into colour emoji.`,
      );
      expect(await page.$$eval("#direction option", (options) => options.map((o) => o.textContent))).toEqual([
        "colour emoji → line-art emoji",
        "line-art emoji → colour emoji",
      ]);
      expect(await page.$$eval("#samples img", (images) => images.length)).toBeGreaterThanOrEqual(3);
      expect(await brokenPictures(page)).toEqual([]);
      expect(await page.isVisible("#results")).toBe(false);
      await mkdir(join(ROOT, "test-artifacts"), { recursive: true });
      await page.screenshot({ path: join(ROOT, "test-artifacts/demo-page-first-load.png"), fullPage: true });

      // one click on a colour emoji: translated to line art on the server
      await page.click("#samples button:first-of-type");
      await serverResultShown(page, "A2B");
      expect(await page.inputValue("#direction")).toBe("A2B");
      expect(await page.textContent("#meta")).toMatch(
        new RegExp(`^model ${stack.info.model}@1 · A2B · on the server · cam_logit \\[`),
      );
      expect(await brokenPictures(page)).toEqual([]);
      await page.screenshot({ path: join(ROOT, "test-artifacts/demo-page-sample.png"), fullPage: true });

      // a line-art sample goes the other way
      await page.click("#samples button:last-of-type");
      await serverResultShown(page, "B2A");
      expect(await page.inputValue("#direction")).toBe("B2A");
      expect(await page.textContent("#meta")).toMatch(/ · B2A · on the server · /);
    } finally {
      await browser.close();
    }
  });

  it("uploads a real image and shows the translation, the heatmap and cam_logit; then a readable error", async () => {
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, "--disable-gpu"],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${stack.info.edgeUrl}/`);
      await page.fill("#key", stack.info.apiKey);
      await page.setInputFiles("#file", INPUT);
      await page.click("#go");
      await page.waitForFunction(() => document.getElementById("status")?.textContent === "Done.", null, {
        timeout: 60_000,
      });
      await page.waitForFunction(
        () => {
          const loaded = (id: string) => {
            const img = document.getElementById(id) as HTMLImageElement | null;
            return Boolean(img?.complete && img.naturalWidth > 0);
          };
          return loaded("input-img") && loaded("output-img") && loaded("heatmap-img");
        },
        null,
        { timeout: 30_000 },
      );
      expect(await page.textContent("#meta")).toMatch(/cam_logit \[-?\d+\.\d{4}, -?\d+\.\d{4}\]/);
      expect(await page.textContent("#error")).toBe("");
      await mkdir(join(ROOT, "test-artifacts"), { recursive: true });
      await page.screenshot({ path: join(ROOT, "test-artifacts/demo-page.png"), fullPage: true });

      // a key the API refuses: the page says why, in words
      await page.fill("#key", "ugk_0000000000000000_not-a-real-key");
      await page.click("#go");
      await page.waitForFunction(() => (document.getElementById("error")?.textContent ?? "") !== "", null, {
        timeout: 30_000,
      });
      expect(await page.textContent("#error")).toMatch(/\[401\]$/);
      await page.screenshot({ path: join(ROOT, "test-artifacts/demo-page-error.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it("translates in the browser (WebAssembly) as the server does, within 1 level; errors in words", async () => {
    const server = await serverTranslation();
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, "--disable-gpu"],
    });
    try {
      const page = await openDemo(browser);
      const first = await translateInBrowser(page);
      expect(first.error).toBe("");
      expect(first.meta).toMatch(
        /in your browser \(wasm\) · model \d+\.\d MB, loaded in [\d.]+ m?s · translated in/,
      );
      const differences = await expectServersResult(page, first.meta, server);
      await mkdir(join(ROOT, "test-artifacts"), { recursive: true });
      await page.screenshot({ path: join(ROOT, "test-artifacts/demo-page-in-browser.png"), fullPage: true });
      // the model stays loaded: a second image needs no download
      const second = await translateInBrowser(page);
      expect(second.meta).toMatch(/in your browser \(wasm\) · model already loaded · translated in \d+ ms/);
      console.log(
        `in-browser (wasm): ${first.meta} | again: ${second.meta} | ${JSON.stringify(differences)}`,
      );

      // an image over the limits the server keeps too: refused before anything runs, in words
      const huge = join(await mkdtemp(join(tmpdir(), "ugatit-e2e-")), "huge.png");
      await sharp({ create: { width: 9000, height: 8, channels: 3, background: "#808080" } })
        .png()
        .toFile(huge);
      await page.setInputFiles("#file", huge);
      expect((await translateInBrowser(page)).error).toBe(
        "The image is refused: image is 9000×8: a side over 8192 pixels",
      );
      // a key the API refuses, for a model not downloaded yet: the server's reason, in words
      await page.setInputFiles("#file", INPUT);
      await page.selectOption("#direction", "B2A");
      await page.fill("#key", "ugk_0000000000000000_not-a-real-key");
      expect((await translateInBrowser(page)).error).toMatch(
        /^The model could not be downloaded: Unauthorized: .*\[401\]$/,
      );
      await page.screenshot({
        path: join(ROOT, "test-artifacts/demo-page-in-browser-error.png"),
        fullPage: true,
      });
    } finally {
      await browser.close();
    }
  });

  it("translates on WebGPU where the browser has it (SwiftShader's software GPU here), as the server does", async () => {
    const server = await serverTranslation();
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        ...CHROMIUM_ARGS,
        "--enable-unsafe-webgpu",
        "--use-webgpu-adapter=swiftshader",
        "--enable-features=Vulkan",
      ],
    });
    try {
      const page = await openDemo(browser);
      const { error, meta } = await translateInBrowser(page, 240_000);
      expect(error).toBe("");
      expect(meta).toMatch(/in your browser \(webgpu\)/);
      const differences = await expectServersResult(page, meta, server);
      console.log(`in-browser (webgpu on SwiftShader): ${meta} | ${JSON.stringify(differences)}`);
    } finally {
      await browser.close();
    }
  }, 300_000);
});

describe("the model as ONNX, for clients that run it themselves", () => {
  it("GET /v1/models/{model}/onnx: a file ONNX Runtime runs to the server's translation, 304 once held", async () => {
    const r = await api(`/v1/models/${stack.info.model}/onnx?direction=A2B`);
    expect(r.status).toBe(200);
    const session = await InferenceSession.create(new Uint8Array(await r.arrayBuffer()));
    expect(session.outputNames).toEqual([...ONNX_OUTPUTS]);
    // an input at the model's size, so that both sides run the model on the very same pixels
    const { models } = (await (await api("/v1/models")).json()) as { models: { size: number }[] };
    const size = models[0]!.size;
    const rgb = new Uint8Array(await sharp(INPUT).resize(size, size).removeAlpha().raw().toBuffer());
    const sized = join(await mkdtemp(join(tmpdir(), "ugatit-e2e-")), "sized.png");
    await sharp(rgb, { raw: { width: size, height: size, channels: 3 } })
      .png()
      .toFile(sized);
    const input = toChannelsFirst(rgbToModelInput(rgb, size, size), 1, size * size, 3);
    const out = await session.run({ [ONNX_INPUT]: new Tensor("float32", input, [1, 3, size, size]) });
    await session.release();
    const job = (await (await translate(await upload(sized), "wait=60")).json()) as Job;
    const [gap, gmp] = out.cam_logit!.data as Float32Array;
    expect(gap).toBeCloseTo(job.output!.cam_logit[0], 4);
    expect(gmp).toBeCloseTo(job.output!.cam_logit[1], 4);
    const image = modelOutputToRgb(toChannelsLast(out.image!.data as Float32Array, 1, size * size, 3));
    const server = await pixels(new Uint8Array(await (await fetch(job.output!.image_url)).arrayBuffer()));
    expect(image.reduce((max, v, i) => Math.max(max, Math.abs(v - server[i]!)), 0)).toBeLessThanOrEqual(1);
    const again = await api(`/v1/models/${stack.info.model}/onnx?direction=A2B`, {
      headers: { "if-none-match": r.headers.get("etag") as string },
    });
    expect(again.status).toBe(304);
  });
});

describe("what a tenant can ask of the local stack", () => {
  it("webhooks signed with the tenant's secret and redelivered with the same id; the job list; erasing an upload", async () => {
    const { key: secret } = (await (await api("/v1/webhooks/secret")).json()) as { key: string };
    const received: { id: string; type: string; verified: boolean }[] = [];
    const receiver = createServer(async (req, res) => {
      let body = "";
      for await (const chunk of req) body += chunk;
      const verified = verifyWebhook(secret, req.headers, body);
      received.push({ id: String(req.headers["webhook-id"]), type: JSON.parse(body).type, verified });
      res.writeHead(received.length === 1 ? 503 : 204).end(); // the first delivery fails
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    try {
      const uploadId = await upload();
      const port = (receiver.address() as { port: number }).port;
      const r = await api("/v1/translations", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          upload_id: uploadId,
          direction: "A2B",
          webhook: `http://127.0.0.1:${port}/hook`,
        }),
      });
      expect(r.status, await r.clone().text()).toBe(202);
      const job = await settle(((await r.json()) as Job).id);
      expect(job.status).toBe("succeeded");
      // the first retry comes 30 s after the failure (WEBHOOK_RETRY_SCHEDULE_SECONDS)
      const deadline = Date.now() + 90_000;
      while (received.length < 2 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 500));
      expect(received).toEqual([
        { id: expect.stringMatching(/^msg_/), type: "translation.completed", verified: true },
        { id: received[0]?.id, type: "translation.completed", verified: true },
      ]);

      const newer = (await (await translate(uploadId, "wait=60")).json()) as Job;
      const list = async (query: string) =>
        (await (await api(`/v1/translations${query}`)).json()) as {
          items: Job[];
          next_cursor: string | null;
        };
      const first = await list("?limit=1");
      expect(first.items.map((j) => j.id)).toEqual([newer.id]);
      const second = await list(`?limit=1&cursor=${first.next_cursor}`);
      expect(second.items.map((j) => j.id)).toEqual([job.id]);

      expect((await api(`/v1/uploads/${uploadId}`, { method: "DELETE" })).status).toBe(204);
      expect((await translate(uploadId)).status).toBe(404);
      // the Cron Trigger's route, which the stack calls every minute
      expect((await fetch(`${stack.info.edgeUrl}/__scheduled?cron=*+*+*+*+*`)).status).toBe(200);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  }, 240_000);
});

describe("faults across the stack", () => {
  it("the worker killed during a job: the job is retried or ends failed, never stuck, and the upload stays usable", async () => {
    const uploadId = await upload();
    const r = await translate(uploadId);
    const { id } = (await r.json()) as Job;
    await stack.supervisor.kill("worker");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await stack.restart("worker");
    const job = await settle(id, 120_000);
    expect(["succeeded", "failed"]).toContain(job.status);
    const again = await translate(uploadId, "wait=60");
    expect(((await again.json()) as Job).status).toBe("succeeded");
  });

  it("the S3 server restarted: requests fail cleanly while it is down, and succeed after", async () => {
    const uploadId = await upload();
    await stack.supervisor.kill("s3");
    const down = await translate(uploadId, "wait=10");
    expect(down.status).toBeGreaterThanOrEqual(500);
    expect(down.headers.get("content-type")).toMatch(/application\/problem\+json/);
    const problem = (await down.json()) as { title: string; status: number };
    expect(problem.status).toBe(down.status);
    await stack.restart("s3");
    const up = await translate(uploadId, "wait=60");
    expect(((await up.json()) as Job).status).toBe("succeeded");
  });

  it("the edge restarted: jobs kept in D1 survive", async () => {
    const r = await translate(await upload(), "wait=60");
    const before = (await r.json()) as Job;
    await stack.supervisor.stop("edge");
    await stack.restart("edge");
    const after = (await (await api(`/v1/translations/${before.id}`)).json()) as Job;
    expect([after.id, after.status, after.output?.cam_logit]).toEqual([
      before.id,
      "succeeded",
      before.output?.cam_logit,
    ]);
    // only the parts killed on purpose above were reported as gone; the edge's planned stop was not
    expect(stack.failures.every((f) => /^(worker|s3) exited/.test(f))).toBe(true);
  });
});

describe("secrets and the anonymous tier of the local stack", () => {
  it("writes its env file and dev.json readable by their owner alone", async () => {
    for (const name of ["edge.env", "dev.json"]) {
      expect((await stat(join(stack.stateDir, name))).mode & 0o777, name).toBe(0o600);
    }
    // a secret of this run, not a published one
    const env = await readFile(join(stack.stateDir, "edge.env"), "utf8");
    expect(env).toMatch(/^WORKER_SHARED_SECRET=[0-9a-f]{64}$/m);
  });

  it("keys anonymous clients on nothing they send: wrangler dev passes their own CF-Connecting-IP through", async () => {
    const anonymous = (address: string, path: string, body: unknown) =>
      fetch(`${stack.info.edgeUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": address },
        body: JSON.stringify(body),
      });
    const created = await anonymous("203.0.113.50", "/v1/uploads", {
      content_type: "image/png",
      content_length: 64,
    });
    expect(created.status).toBe(201);
    const { upload_id } = (await created.json()) as { upload_id: string };
    // Claiming another address gives no other tenant: the upload is still found (not yet received, so 4xx).
    const other = await anonymous("198.51.100.50", "/v1/translations", { upload_id, direction: "A2B" });
    const problem = (await other.json()) as { detail?: string };
    expect(other.status).not.toBe(429);
    expect(problem.detail ?? "").not.toMatch(/^no upload/);
  });
});
