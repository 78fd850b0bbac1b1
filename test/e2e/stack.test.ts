/// <reference lib="dom" />
/**
 * End to end through the real stack: the edge in workerd (wrangler dev), the worker process and the
 * signature-checking S3 server, as `npm start` runs them; faults made by killing and restarting parts.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/processes.ts";
import { startTestStack } from "../helpers/stack.ts";

const run = promisify(execFile);
const CHECKPOINT = join(ROOT, "test/fixtures/ugatit-parity/light64.pt");
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

beforeAll(async () => {
  stack = await startTestStack(CHECKPOINT);
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
      expect((await sharp(new Uint8Array(await got.arrayBuffer())).metadata()).width).toBe(256);
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

describe.skipIf(!haveChromium && !process.env.CI)("the demo page in headless Chromium", () => {
  it("uploads a real image and shows the translation, the heatmap and cam_logit; then a readable error", async () => {
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
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
