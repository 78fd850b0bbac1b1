/**
 * @ugatit/client against the real stack (edge in workerd, worker, signature-checking S3): its types are
 * what openapi-typescript makes of the served document, and each outcome a user meets comes out typed.
 */
import { execFile } from "node:child_process";
import { openAsBlob } from "node:fs";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  ApiNetworkError,
  ApiProblemError,
  createClient,
  type Fetch,
  TranslationTimeoutError,
  type UgatitClient,
} from "@ugatit/client";
import { build } from "esbuild";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../infra/local/ports.ts";
import { OPENAPI_TYPES_FILE, openApiTypes } from "../shared/client/scripts/openapi-types.ts";
import { ROOT } from "./helpers/processes.ts";
import { freePort, startTestStack } from "./helpers/stack.ts";

const CHECKPOINT = join(ROOT, "test/fixtures/ugatit-parity/light64.pt");
const INPUT = join(ROOT, "test/fixtures/ugatit-parity/light64_a_in.png");
const EXAMPLE = join(ROOT, "shared/client/examples/translate.ts");
const CLIENT_ENTRY = join(ROOT, "shared/client/src/index.ts");
/** Debian's Chromium (CI installs it); a developer without it skips only the browser test, CI never does. */
const CHROMIUM = "/usr/bin/chromium";
const haveChromium = await stat(CHROMIUM).then(
  () => true,
  () => false,
);
const IN_WORKER = join(ROOT, "test/helpers/client-in-worker.ts");
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const UNKNOWN_JOB = "01JD7Y5B0C1D2E3F4G5H6J7K8M";

let stack: Awaited<ReturnType<typeof startTestStack>>;
let client: UgatitClient;
/** Every request the client made, with its answer's status: the global fetch, watched. */
let seen: { method: string; url: string; headers: Headers; status: number }[] = [];

const watchingFetch: Fetch = async (url, init) => {
  const response = await fetch(url, init);
  seen.push({
    method: init.method ?? "GET",
    url,
    headers: new Headers(init.headers),
    status: response.status,
  });
  return response;
};

/** Runs `action` and returns the ApiProblemError it must throw. */
async function problemOf(action: Promise<unknown>): Promise<ApiProblemError> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiProblemError);
  return error as ApiProblemError;
}

beforeAll(async () => {
  stack = await startTestStack(CHECKPOINT);
  client = createClient({ baseUrl: stack.info.edgeUrl, apiKey: stack.info.apiKey, fetch: watchingFetch });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

describe("@ugatit/client on the real stack", () => {
  it("its committed types are what openapi-typescript makes of the edge's /openapi.json", async () => {
    const document = await (await fetch(`${stack.info.edgeUrl}/openapi.json`)).json();
    const committed = await readFile(OPENAPI_TYPES_FILE, "utf8");
    // on a difference: `npm start`, then `npm run generate -w @ugatit/client`
    expect(await openApiTypes(document)).toBe(committed);
  });

  it("translate(): presigned upload, Prefer: wait, and a PNG of the model's size", async () => {
    seen = [];
    const { models } = await client.listModels();
    const model = models.find((m) => m.default) ?? models[0]!;
    const result = await client.translate(await readFile(INPUT), { direction: "A2B" });

    expect(result.job).toMatchObject({ status: "succeeded", direction: "A2B", model: model.id });
    const image = await result.image();
    expect(await sharp(image).metadata()).toMatchObject({
      format: "png",
      width: model.size,
      height: model.size,
    });
    const heatmap = await result.heatmap();
    expect((await sharp(heatmap!).metadata()).format).toBe("png");

    const [announce, put, create] = seen.slice(1);
    expect(announce).toMatchObject({ method: "POST", status: 201 });
    expect(announce!.url).toBe(`${stack.info.edgeUrl}/v1/uploads`);
    // the storage checks the signature over exactly these headers: 200 means they were sent as given
    expect(put).toMatchObject({ method: "PUT", status: 200 });
    expect(put!.headers.get("content-type")).toBe("image/png");
    expect(put!.headers.get("authorization")).toBeNull();
    expect(create).toMatchObject({ method: "POST", status: 200 });
    expect(create!.headers.get("prefer")).toMatch(/^wait=\d+$/);
  });

  it("translate() without waiting: 202, then polling its Location until it succeeded", async () => {
    seen = [];
    const result = await client.translate(await openAsBlob(INPUT), {
      direction: "B2A",
      outputs: ["image"],
      waitSeconds: 0,
    });

    expect(result.job.status).toBe("succeeded");
    expect(result.job.output.heatmap_url).toBeNull();
    expect(await result.heatmap()).toBeNull();
    expect((await sharp(await result.image()).metadata()).format).toBe("png");
    const create = seen.find((r) => r.method === "POST" && r.url.endsWith("/v1/translations"))!;
    expect(create.status).toBe(202);
    expect(create.headers.get("prefer")).toBeNull();
    const polls = seen.filter(
      (r) => r.method === "GET" && r.url.endsWith(`/v1/translations/${result.job.id}`),
    );
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.at(-1)!.status).toBe(200);
  });

  it("the example script translates a file, and says in one line why it cannot", async () => {
    const output = join(await mkdtemp(join(tmpdir(), "ugatit-client-")), "out.png");
    const example = (apiKey: string) =>
      promisify(execFile)(
        process.execPath,
        ["--conditions=@ugatit/source", "--import", "tsx", EXAMPLE, INPUT, output, "B2A"],
        { cwd: ROOT, env: { ...process.env, UGATIT_URL: stack.info.edgeUrl, UGATIT_API_KEY: apiKey } },
      );
    const { stdout } = await example(stack.info.apiKey);
    expect(stdout).toMatch(/→ .*out\.png: .*B2A, job /);
    expect((await sharp(await readFile(output)).metadata()).format).toBe("png");
    const refused = await example("ugk_wrong").catch((e: { code: number; stderr: string }) => e);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: 401 Unauthorized: /) });
  });

  it("runs inside workerd: a Worker's translate() through the edge, and a typed problem there too", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ugatit-client-worker-"));
    // wrangler dev --no-bundle reloads the Worker on any change under the script's folder, so the state it
    // writes on every request goes beside that folder, not into it (inside, it reloaded without end)
    const script = join(dir, "script");
    // bundled for a neutral platform: a Node built-in in the client's main entry would fail here
    await build({
      entryPoints: [IN_WORKER],
      bundle: true,
      format: "esm",
      platform: "neutral",
      conditions: ["@ugatit/source"],
      outfile: join(script, "worker.js"),
      logLevel: "silent",
    });
    const port = await freePort();
    const args = ["dev", join(script, "worker.js"), "--no-bundle", "--local", "--ip", "127.0.0.1"];
    stack.supervisor.start({
      name: "client-worker",
      command: process.execPath,
      args: [
        WRANGLER,
        ...args,
        ...["--port", String(port), "--inspector-port", String(await freePort())],
        ...["--compatibility-date", "2026-11-01", "--persist-to", join(dir, "state")],
        ...["--var", `EDGE:${stack.info.edgeUrl}`, "--var", `API_KEY:${stack.info.apiKey}`],
        "--show-interactive-dev-session=false",
      ],
      cwd: script,
      env: { CI: "true" },
    });
    const worker = `http://127.0.0.1:${port}`;
    try {
      // each request bounded, so that a Worker that holds one fails here by name, not by the test's timeout
      await waitUntil(
        "client-worker",
        async () => (await fetch(worker, { signal: AbortSignal.timeout(5_000) })).ok,
        60_000,
      );
      const translated = await fetch(worker, {
        method: "POST",
        body: await readFile(INPUT),
        signal: AbortSignal.timeout(40_000),
      });
      expect(translated.status, translated.ok ? "" : await translated.text()).toBe(200);
      expect(translated.headers.get("x-job")).toMatch(/^[0-9A-Z]{26}$/);
      expect((await sharp(new Uint8Array(await translated.arrayBuffer())).metadata()).format).toBe("png");
      const refused = await fetch(`${worker}/?key=ugk_wrong`, {
        method: "POST",
        body: await readFile(INPUT),
        signal: AbortSignal.timeout(15_000),
      });
      expect(await refused.json()).toEqual({
        name: "ApiProblemError",
        status: 401,
        type: expect.any(String),
      });
    } finally {
      await stack.supervisor.stop("client-worker");
    }
  });

  it.skipIf(!haveChromium && !process.env.CI)(
    "runs in Chromium: translate() on a page of the edge's origin, its PUT and downloads crossing to the storage",
    async () => {
      const { chromium } = await import("playwright-core");
      const bundle = await build({
        entryPoints: [CLIENT_ENTRY],
        bundle: true,
        format: "iife",
        globalName: "ugatit",
        platform: "browser",
        conditions: ["@ugatit/source"],
        write: false,
        logLevel: "silent",
      });
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--no-sandbox", "--disable-gpu"],
      });
      try {
        // a page the edge serves, so that Chromium puts it on the storage's (loopback) address space; the
        // page's CSP (default-src 'none') is bypassed, or it would refuse the injected client and its requests
        const page = await (await browser.newContext({ bypassCSP: true })).newPage();
        const origin = stack.info.edgeUrl;
        await page.goto(`${origin}/healthz`);
        await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
        const outcome = await page.evaluate(
          async ({ baseUrl, apiKey, image }) => {
            const { createClient } = (globalThis as unknown as { ugatit: typeof import("@ugatit/client") })
              .ugatit;
            const result = await createClient({ baseUrl, apiKey }).translate(new Uint8Array(image), {
              direction: "A2B",
            });
            return { status: result.job.status, png: Array.from(await result.image()) };
          },
          { baseUrl: origin, apiKey: stack.info.apiKey, image: Array.from(await readFile(INPUT)) },
        );
        expect(outcome.status).toBe("succeeded");
        expect((await sharp(new Uint8Array(outcome.png)).metadata()).format).toBe("png");
      } finally {
        await browser.close();
      }
    },
  );

  it("step by step: upload, an idempotent asynchronous translation, wait, delete (then 404)", async () => {
    const upload = await client.upload(await readFile(INPUT));
    const request = { upload_id: upload.upload_id, direction: "A2B" as const, outputs: ["image" as const] };
    const job = await client.createTranslation(request, { idempotencyKey: upload.upload_id });
    expect(job.status).toMatch(/^(queued|running|succeeded)$/);
    expect((await client.createTranslation(request, { idempotencyKey: upload.upload_id })).id).toBe(job.id);
    const done = await client.waitForTranslation(job.id);
    expect(done).toMatchObject({ id: job.id, status: "succeeded" });
    expect((await sharp(await client.download(done.output!.image_url)).metadata()).format).toBe("png");
    expect(await client.deleteTranslation(job.id)).toBeNull();
    expect((await problemOf(client.getTranslation(job.id))).status).toBe(404);
  });

  it("a light model's ONNX file, then null while its ETag is current", async () => {
    const { models } = await client.listModels();
    const model = models.find((m) => m.light)!;
    const onnx = await client.downloadModelOnnx(model.id, "A2B");
    expect(onnx!.bytes.length).toBeGreaterThan(1000);
    expect(onnx!.etag).toMatch(/^"/);
    expect(await client.downloadModelOnnx(model.id, "A2B", { ifNoneMatch: onnx!.etag! })).toBeNull();
  });

  it("a bad key: a typed 401 problem", async () => {
    const stranger = createClient({ baseUrl: stack.info.edgeUrl, apiKey: "ugk_not-a-key-at-all" });
    const image = await readFile(INPUT);
    for (const action of [
      () => stranger.listModels(),
      () => stranger.translate(image, { direction: "A2B" }),
    ]) {
      const problem = await problemOf(action());
      expect(problem).toMatchObject({ status: 401, type: "https://ugatit.dev/problems/unauthorized" });
      expect(problem.title).toBe("Unauthorized");
      expect(problem.problem.request_id).toEqual(expect.any(String));
      expect(problem.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
  });

  it("an oversized upload: a typed 413 problem naming the limit", async () => {
    const problem = await problemOf(
      client.createUpload({ content_type: "image/png", content_length: 2 ** 40 }),
    );
    expect(problem).toMatchObject({ status: 413, type: "https://ugatit.dev/problems/payload-too-large" });
    expect(problem.problem.max_bytes).toEqual(expect.any(Number));
  });

  it("bytes that are not the image they claim: a typed 422 problem, after the upload", async () => {
    const notAPng = new TextEncoder().encode("this is plain text, not a PNG image at all");
    const problem = await problemOf(
      client.translate(notAPng, { direction: "A2B", contentType: "image/png", waitSeconds: 0 }),
    );
    expect(problem).toMatchObject({ status: 422, type: "https://ugatit.dev/problems/image-refused" });
    expect(problem.detail).toMatch(/PNG/);
    // without contentType the client names the problem itself, before any request
    await expect(client.translate(notAPng, { direction: "A2B" })).rejects.toThrow(/not a PNG, JPEG or WebP/);
  });

  it("a PUT the storage refuses (a tampered signature): its XML answer as an about:blank problem", async () => {
    const bytes = await readFile(INPUT);
    const upload = await client.createUpload({ content_type: "image/png", content_length: bytes.length });
    const tampered = {
      ...upload,
      url: upload.url.replace(/(X-Amz-Signature=)[0-9a-f]+/, `$1${"0".repeat(64)}`),
    };
    expect(tampered.url).not.toBe(upload.url);
    const problem = await problemOf(client.putUpload(tampered, new Blob([bytes])));
    expect(problem).toMatchObject({ type: "about:blank", status: 403 });
    expect(problem.detail).toMatch(/SignatureDoesNotMatch/);
    // another length than announced is refused before sending: the storage would refuse it too
    await expect(client.putUpload(upload, new Blob([bytes.subarray(0, 100)]))).rejects.toThrow(
      `the image has 100 bytes; its upload announced ${bytes.length}`,
    );
  });

  it("an unknown job: a typed 404 problem", async () => {
    const problem = await problemOf(client.getTranslation(UNKNOWN_JOB));
    expect(problem).toMatchObject({ status: 404, type: "https://ugatit.dev/problems/not-found" });
    expect(problem.detail).toContain(UNKNOWN_JOB);
    expect((await problemOf(client.deleteTranslation(UNKNOWN_JOB))).status).toBe(404);
  });

  it("no server at the address: ApiNetworkError, not a problem", async () => {
    const nowhere = createClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, apiKey: "ugk_x" });
    const error = await nowhere.listModels().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiNetworkError);
    expect((error as ApiNetworkError).url).toMatch(/\/v1\/models$/);
    expect((error as ApiNetworkError).message).toMatch(/got no answer: .*ECONNREFUSED/);
  });

  it("a dead inference service: TranslationTimeoutError names the job, which is still there to ask about", async () => {
    await stack.supervisor.kill("worker");
    try {
      // the queue's first retry is 2 s away: the job cannot have finished within 1.5 s
      const error = await client
        .translate(await readFile(INPUT), { direction: "A2B", waitSeconds: 0, timeoutMs: 1500 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TranslationTimeoutError);
      const { jobId } = error as TranslationTimeoutError;
      expect(["queued", "running"]).toContain((await client.getTranslation(jobId!)).status);
    } finally {
      await stack.restart("worker");
    }
  });

  // last: it spends the key's rate limit for the rest of the window
  it("past the rate limit: a typed 429 problem with Retry-After", async () => {
    const answers = await Promise.all(
      Array.from({ length: 140 }, () => client.getTranslation(UNKNOWN_JOB).catch((e: unknown) => e)),
    );
    const limited = answers.find((e) => e instanceof ApiProblemError && e.status === 429) as ApiProblemError;
    expect(limited).toBeDefined();
    expect(limited.type).toBe("https://ugatit.dev/problems/rate-limited");
    expect(limited.retryAfterSeconds).toBeGreaterThan(0);
  });
});

describe("@ugatit/client against a server that accepts connections and never answers", () => {
  let silent: Server;
  let baseUrl: string;

  beforeAll(async () => {
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    silent.close();
  });

  it("translate()'s timeoutMs ends it with TranslationTimeoutError, before any job existed", async () => {
    const client = createClient({ baseUrl, apiKey: "ugk_x" });
    const error = await client
      .translate(await readFile(INPUT), { direction: "A2B", timeoutMs: 300 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TranslationTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 300, jobId: undefined });
  });

  it("the caller's own abort comes back as its reason, not as a network error", async () => {
    const client = createClient({ baseUrl, apiKey: "ugk_x" });
    const controller = new AbortController();
    const pending = client.listModels({ signal: controller.signal });
    controller.abort(new Error("user left"));
    await expect(pending).rejects.toThrow("user left");
  });
});
