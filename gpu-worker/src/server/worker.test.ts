/**
 * The inference worker over real HTTP: `ugatit serve` as a child process, a signature-checking S3 server in
 * another, the official light64 checkpoint, real images.
 */
import { execFile } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { rgbToModelInput, toChannelsFirst } from "@ugatit/contracts/image";
import { InferResponse, workerOnnxPath } from "@ugatit/contracts/protocol";
import { ONNX_INPUT, ONNX_OUTPUTS } from "@ugatit/model/onnx";
import { InferenceSession, Tensor } from "onnxruntime-node";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ROOT } from "../../../test/helpers/processes.ts";
import { type TestBucket, testBucket } from "../../../test/helpers/s3-bucket.ts";
import { startTestS3, type TestS3 } from "../../../test/helpers/s3-server.ts";
import {
  signedFetch,
  startWorkerProcess,
  WORKER_SECRET,
  type WorkerProcess,
  workerEnv,
} from "../../../test/helpers/worker.ts";
import { defaultBackendOrder } from "../runtime/backends.ts";
import { inferJobs, PARITY, problemOf, rgbOf, translateLight64A2B } from "./testing.ts";

const run = promisify(execFile);
/** The shipped demo model: the one that names its domains. */
const DEMO = join(ROOT, "models/demo/emoji-light.safetensors");
const MODELS = `light@1=${join(PARITY, "light64.pt")},bare@1=${join(ROOT, "test/fixtures/checkpoints/genA2B_bare.pt")}`;
/** The worker's default: the best backend present (ONNX Runtime here). */
const BACKEND = defaultBackendOrder()[0];
/** light64's B2A generator exported by `ugatit convert --format onnx`, served from the .onnx file. */
const EXPORTED = join(tmpdir(), `ugatit-worker-${process.pid}-light64-B2A.onnx`);
/** light64 converted with `--framing face`: a model that declares face framing as its default. */
const SELFIE = join(tmpdir(), `ugatit-worker-${process.pid}-selfie.safetensors`);
const FACES = join(ROOT, "test/fixtures/faces");

let s3: TestS3;
let bucket: TestBucket;
let worker: WorkerProcess;
const extraWorkers: WorkerProcess[] = [];

async function exists(key: string): Promise<boolean> {
  return bucket.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key })).then(
    () => true,
    () => false,
  );
}
const job = inferJobs("light@1");

beforeAll(async () => {
  s3 = await startTestS3();
  bucket = testBucket(s3);
  await bucket.put("in/a.png", await readFile(join(PARITY, "light64_a_in.png")));
  await bucket.put("in/b.png", await readFile(join(PARITY, "light64_b_in.png")));
  await bucket.put(
    "in/wide.jpg",
    await sharp(join(PARITY, "light64_a_in.png")).resize(120, 64, { fit: "fill" }).jpeg().toBuffer(),
    "image/jpeg",
  );
  await bucket.put("in/corrupt.png", (await readFile(join(PARITY, "light64_a_in.png"))).subarray(0, 200));
  await bucket.put("in/text.png", "this is not an image");
  await bucket.put("in/portrait.jpg", await readFile(join(FACES, "astronaut.jpg")), "image/jpeg");
  await bucket.put("in/fruits.jpg", await readFile(join(FACES, "fruits.jpg")), "image/jpeg");
  await bucket.put(
    "models/light64.pt",
    await readFile(join(PARITY, "light64.pt")),
    "application/octet-stream",
  );
  await run(process.execPath, [
    join(ROOT, "gpu-worker/bin/ugatit.js"),
    "convert",
    "--checkpoint",
    join(PARITY, "light64.pt"),
    "--format",
    "onnx",
    "--direction",
    "B2A",
    "--output",
    EXPORTED,
  ]);
  await run(process.execPath, [
    join(ROOT, "gpu-worker/bin/ugatit.js"),
    "convert",
    "--checkpoint",
    join(PARITY, "light64.pt"),
    "--output",
    SELFIE,
    "--framing",
    "face",
  ]);
  worker = await startWorkerProcess(
    workerEnv(s3, {
      UGATIT_MODELS: `${MODELS},remote@2=s3://${s3.bucket}/models/light64.pt,exported@1=${EXPORTED},full@1=${join(PARITY, "full64.pt")},selfie@1=${SELFIE},demo@1=${DEMO}`,
      UGATIT_SIZE: "64",
      MAX_BATCH: "4",
      MAX_DELAY_MS: "100",
    }),
  );
});

afterAll(async () => {
  await Promise.all([worker, ...extraWorkers].map((w) => w?.stop("SIGKILL")));
  await s3?.stop();
  await rm(EXPORTED, { force: true });
  await rm(SELFIE, { force: true });
});

describe("POST /v1/infer", () => {
  it.each(["png", "jpeg", "webp"] as const)(
    "writes a %s output and its heatmap, and answers what it did",
    async (format) => {
      const r = await signedFetch(
        worker.url,
        "/v1/infer",
        job(`fmt-${format}`, {
          output_format: format,
          output_keys: { image: `out/fmt.${format}`, heatmap: `out/fmt-${format}-heat.png` },
        }),
      );
      expect(r.status, await r.clone().text()).toBe(200);
      expect(r.headers.get("x-request-id")).toBeTruthy();
      const body = InferResponse.parse(await r.json());
      expect(body.outputs.image.content_type).toBe(`image/${format}`);
      expect(body.outputs.heatmap?.key).toBe(`out/fmt-${format}-heat.png`);
      expect(body.cam_logit[0]).toBeCloseTo(0.3405274748802185, 4);
      expect(body.backend).toBe(BACKEND);
      expect(Object.keys(body.timings_ms).sort()).toEqual([
        "decode",
        "encode",
        "framing",
        "inference",
        "queue",
        "storage",
        "total",
      ]);
      const meta = await sharp(await bucket.get(`out/fmt.${format}`)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([format, 64, 64]);
      expect(body.outputs.image.bytes).toBe((await bucket.get(`out/fmt.${format}`)).length);
      expect((await sharp(await bucket.get(`out/fmt-${format}-heat.png`)).metadata()).width).toBe(64);
    },
  );

  it("serves a model loaded from an s3:// URI, by name alone for its newest version", async () => {
    const r = await signedFetch(worker.url, "/v1/infer", job("remote", { model: "remote" }));
    const body = InferResponse.parse(await r.json());
    expect(body.model).toBe("remote@2");
    expect(body.cam_logit[0]).toBeCloseTo(0.3405274748802185, 4);
  });

  it("without a heatmap key writes only the image, pixel for pixel what `ugatit translate` writes", async () => {
    const r = await signedFetch(worker.url, "/v1/infer", job("cli-equal"));
    expect(r.status).toBe(200);
    expect(InferResponse.parse(await r.json()).outputs.heatmap).toBeUndefined();
    const cliOut = join(tmpdir(), `ugatit-cli-${process.pid}.png`);
    await translateLight64A2B(join(PARITY, "light64_a_in.png"), cliOut);
    expect(
      (await rgbOf(await bucket.get("out/cli-equal.png"))).equals(await rgbOf(await readFile(cliOut))),
    ).toBe(true);
  });

  it("serves an exported .onnx model as the checkpoint it came from", async () => {
    const infer = async (model: string) =>
      InferResponse.parse(
        await (
          await signedFetch(
            worker.url,
            "/v1/infer",
            job(`onnx-${model.replace("@", "-")}`, { model, direction: "B2A", input_key: "in/b.png" }),
          )
        ).json(),
      );
    const [exported, original] = [await infer("exported@1"), await infer("light@1")];
    expect(exported.backend).toBe("onnx");
    expect(exported.cam_logit[1]).toBeCloseTo(-5.336583614349365, 4);
    expect(exported.cam_logit).toEqual(original.cam_logit);
    expect(
      (await rgbOf(await bucket.get(exported.outputs.image.key))).equals(
        await rgbOf(await bucket.get(original.outputs.image.key)),
      ),
    ).toBe(true);
  });

  it("resizes other sizes (fit) or takes the centred square first (crop)", async () => {
    const fit = InferResponse.parse(
      await (await signedFetch(worker.url, "/v1/infer", job("fit", { input_key: "in/wide.jpg" }))).json(),
    );
    const crop = InferResponse.parse(
      await (
        await signedFetch(worker.url, "/v1/infer", job("crop", { input_key: "in/wide.jpg", resize: "crop" }))
      ).json(),
    );
    expect(fit.input).toEqual({ width: 120, height: 64, format: "jpeg" });
    expect(fit.cam_logit).not.toEqual(crop.cam_logit);
  });

  it("frames the largest face, reports the box in the photo's pixels, and pastes the result back at full size", async () => {
    const r = await signedFetch(
      worker.url,
      "/v1/infer",
      job("face-paste", {
        input_key: "in/portrait.jpg",
        framing: "face",
        compose: "paste",
        output_format: "jpeg",
      }),
    );
    expect(r.status, await r.clone().text()).toBe(200);
    const body = InferResponse.parse(await r.json());
    const [x, y, w, h] = body.framing.box;
    // The astronaut's hand-labelled face (test/fixtures/faces/faces.json) lies inside the box.
    expect([x <= 178, y <= 78, x + w >= 270, y + h >= 170, w === h]).toEqual([true, true, true, true, true]);
    expect(body.framing.mode).toBe("face");
    expect(body.compose).toBe("paste");
    expect([body.outputs.image.width, body.outputs.image.height]).toEqual([512, 512]);
    const meta = await sharp(await bucket.get(body.outputs.image.key)).metadata();
    expect([meta.width, meta.height]).toEqual([512, 512]);
  });

  it("takes the centred square for center framing, and the model's declared framing when none is asked", async () => {
    const center = InferResponse.parse(
      await (
        await signedFetch(
          worker.url,
          "/v1/infer",
          job("center", { input_key: "in/wide.jpg", framing: "center" }),
        )
      ).json(),
    );
    expect(center.framing).toEqual({ mode: "center", box: [28, 0, 64, 64] });
    expect([center.outputs.image.width, center.outputs.image.height]).toEqual([64, 64]);
    const declared = InferResponse.parse(
      await (
        await signedFetch(
          worker.url,
          "/v1/infer",
          job("declared", { model: "selfie@1", input_key: "in/portrait.jpg" }),
        )
      ).json(),
    );
    expect(declared.framing.mode).toBe("face");
    const legacy = InferResponse.parse(
      await (
        await signedFetch(
          worker.url,
          "/v1/infer",
          job("legacy", { input_key: "in/wide.jpg", resize: "crop" }),
        )
      ).json(),
    );
    expect(legacy.framing).toEqual({ mode: "center", box: [28, 0, 64, 64] });
    const { models } = (await (await signedFetch(worker.url, "/v1/models")).json()) as {
      models: { id: string; framing: string }[];
    };
    expect(models.filter((m) => m.framing !== "fit").map((m) => [m.id, m.framing])).toEqual([
      ["selfie@1", "face"],
    ]);
  });

  it("refuses a photo without a face in face framing with a 422 no-face problem, and writes nothing", async () => {
    const r = await signedFetch(
      worker.url,
      "/v1/infer",
      job("no-face", { input_key: "in/fruits.jpg", framing: "face" }),
    );
    expect(r.status).toBe(422);
    const problem = await problemOf(r);
    expect(problem.title).toBe("No face found");
    expect(problem.type).toMatch(/\/no-face$/);
    expect(await exists("out/no-face.png")).toBe(false);
    const bad = await signedFetch(worker.url, "/v1/infer", job("bad-framing", { framing: "faces" }));
    expect(bad.status).toBe(400);
  });

  it("batches concurrent requests, and a batched image equals the same image alone", async () => {
    const alone = InferResponse.parse(
      await (await signedFetch(worker.url, "/v1/infer", job("alone-b", { input_key: "in/b.png" }))).json(),
    );
    expect(alone.batch_size).toBe(1);
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        signedFetch(
          worker.url,
          "/v1/infer",
          job(`batch-${i}`, { input_key: i % 2 ? "in/b.png" : "in/a.png" }),
        ),
      ),
    );
    const bodies = await Promise.all(responses.map(async (r) => InferResponse.parse(await r.json())));
    expect(Math.max(...bodies.map((b) => b.batch_size))).toBeGreaterThan(1);
    const batchedB = bodies.find((b, i) => i % 2 === 1 && b.batch_size > 1) ?? (bodies[1] as InferResponse);
    expect(batchedB.cam_logit).toEqual(alone.cam_logit);
    expect(
      (await rgbOf(await bucket.get(batchedB.outputs.image.key))).equals(
        await rgbOf(await bucket.get("out/alone-b.png")),
      ),
    ).toBe(true);
    const metrics = await (await fetch(`${worker.url}/metrics`)).text();
    const over1 = /ugatit_batch_size_bucket\{le="1",model="light@1",direction="A2B"\} (\d+)/.exec(metrics);
    const count = /ugatit_batch_size_count\{model="light@1",direction="A2B"\} (\d+)/.exec(metrics);
    expect(Number(count?.[1])).toBeGreaterThan(Number(over1?.[1])); // some batches held more than one image
  });

  it("answers 504 past the request's deadline, and writes nothing", async () => {
    const r = await signedFetch(worker.url, "/v1/infer", job("late", { timeout_ms: 5 }));
    expect(r.status).toBe(504);
    expect((await problemOf(r)).title).toBe("Deadline exceeded");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await exists("out/late.png")).toBe(false);
  });

  it("drops a request whose client has gone before it is computed", async () => {
    const count = async () =>
      Number(
        /ugatit_dropped_total\{reason="client_gone"\} (\d+)/.exec(
          await (await fetch(`${worker.url}/metrics`)).text(),
        )?.[1] ?? 0,
      );
    const before = await count();
    const controller = new AbortController();
    const pending = signedFetch(worker.url, "/v1/infer", job("gone"), { signal: controller.signal }).catch(
      () => "aborted",
    );
    setTimeout(() => controller.abort(), 40); // within MAX_DELAY_MS: still queued
    expect(await pending).toBe("aborted");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await count()).toBe(before + 1);
    expect(await exists("out/gone.png")).toBe(false);
  });

  it.each([
    [
      "a missing input object",
      job("m", { input_key: "in/none.png" }),
      404,
      /^the input image is not in storage$/,
    ],
    ["a corrupt image", job("c", { input_key: "in/corrupt.png" }), 422, /truncated|corrupt/],
    [
      "an object that is not an image",
      job("t", { input_key: "in/text.png" }),
      422,
      /PNG, JPEG or WebP|format/,
    ],
    [
      "an unknown model",
      job("u", { model: "nope@1" }),
      404,
      /no model nope@1; this worker has light@1, bare@1/,
    ],
    [
      "a direction the model lacks",
      job("d", { model: "bare", direction: "B2A" }),
      422,
      /bare@1 has no B2A generator/,
    ],
    ["an invalid body", { job_id: "x" }, 400, /model/],
  ])("refuses %s with problem details", async (_, body, status, detail) => {
    const r = await signedFetch(worker.url, "/v1/infer", body);
    expect(r.status).toBe(status);
    expect((await problemOf(r)).detail).toMatch(detail);
  });
});

describe("GET /v1/models/{model}/onnx/{direction}", () => {
  it("answers a light model's generator as ONNX that ONNX Runtime runs to the official cam_logit", async () => {
    const r = await signedFetch(worker.url, workerOnnxPath("light@1", "A2B"));
    expect(r.status, await r.clone().text()).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/octet-stream");
    expect(r.headers.get("x-ugatit-model")).toBe("light@1");
    expect(r.headers.get("etag")).toMatch(/^"[0-9a-f]{64}"$/);
    const session = await InferenceSession.create(new Uint8Array(await r.arrayBuffer()));
    expect(session.inputNames).toEqual([ONNX_INPUT]);
    expect(session.outputNames).toEqual([...ONNX_OUTPUTS]);
    const rgbIn = new Uint8Array(await rgbOf(await readFile(join(PARITY, "light64_a_in.png"))));
    const input = toChannelsFirst(rgbToModelInput(rgbIn, 64, 64), 1, 64 * 64, 3);
    const out = await session.run({ [ONNX_INPUT]: new Tensor("float32", input, [1, 3, 64, 64]) });
    expect(out.image?.dims).toEqual([1, 3, 64, 64]);
    expect(out.heatmap?.dims).toEqual([1, 1, 16, 16]);
    const [gap, gmp] = out.cam_logit!.data as Float32Array;
    expect(gap).toBeCloseTo(0.3405274748802185, 4);
    expect(gmp).toBeCloseTo(-1.6438449621200562, 4);
    await session.release();
  });

  it("answers 304 to a matching If-None-Match, and the same bytes for the same checkpoint from s3://", async () => {
    const first = await signedFetch(worker.url, workerOnnxPath("light@1", "A2B"));
    const tag = first.headers.get("etag") as string;
    const again = await signedFetch(worker.url, workerOnnxPath("light@1", "A2B"), undefined, {
      headers: { "if-none-match": tag },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(tag);
    expect(await again.text()).toBe("");
    const remote = await signedFetch(worker.url, workerOnnxPath("remote", "A2B"));
    expect([remote.status, remote.headers.get("x-ugatit-model"), remote.headers.get("etag")]).toEqual([
      200,
      "remote@2",
      tag,
    ]);
  });

  it("answers an exported .onnx model's own file", async () => {
    const r = await signedFetch(worker.url, workerOnnxPath("exported@1", "B2A"));
    expect(r.status).toBe(200);
    expect(Buffer.from(await r.arrayBuffer()).equals(await readFile(EXPORTED))).toBe(true);
  });

  it("refuses a full model, an unknown model or direction, and unsigned requests, as problems", async () => {
    const full = await problemOf(await signedFetch(worker.url, workerOnnxPath("full@1", "A2B")));
    expect(full).toMatchObject({ status: 422, title: "Light model required" });
    expect(full.detail).toMatch(/full@1 is a full model.*needs a light model/);
    const unknown = await problemOf(await signedFetch(worker.url, workerOnnxPath("nope@1", "A2B")));
    expect(unknown).toMatchObject({ status: 404, title: "Unknown model" });
    const missing = await problemOf(await signedFetch(worker.url, workerOnnxPath("bare@1", "B2A")));
    expect(missing).toMatchObject({ status: 422, detail: "bare@1 has no B2A generator (it has A2B)" });
    const sideways = await signedFetch(worker.url, "/v1/models/light@1/onnx/A2A");
    expect((await problemOf(sideways)).status).toBe(400);
    expect((await fetch(`${worker.url}${workerOnnxPath("light@1", "A2B")}`)).status).toBe(401);
  });
});

describe("signatures", () => {
  it("refuses unsigned, stale, wrongly signed and replayed requests with 401", async () => {
    const body = JSON.stringify(job("sig"));
    expect((await fetch(`${worker.url}/v1/infer`, { method: "POST", body })).status).toBe(401);
    expect(
      (await signedFetch(worker.url, "/v1/infer", job("sig"), { now: Date.now() - 6 * 60_000 })).status,
    ).toBe(401);
    expect((await signedFetch(worker.url, "/v1/infer", job("sig"), { secret: "x".repeat(40) })).status).toBe(
      401,
    );
    expect((await fetch(`${worker.url}/v1/models`)).status).toBe(401);
    // the same signed bytes twice: the second is a replay
    const { signatureHeaders } = await import("@ugatit/contracts/protocol");
    const bytes = new TextEncoder().encode(body);
    const headers = await signatureHeaders(WORKER_SECRET, "POST", "/v1/infer", bytes);
    const send = () => fetch(`${worker.url}/v1/infer`, { method: "POST", body: bytes, headers });
    expect((await send()).status).toBe(200);
    const replay = await send();
    expect(replay.status).toBe(401);
    expect((await problemOf(replay)).detail).toMatch(/already used/);
  });
});

describe("operations", () => {
  it("GET /v1/models lists models with directions, sizes and the domains their files name", async () => {
    const { models } = (await (await signedFetch(worker.url, "/v1/models")).json()) as {
      models: { id: string; directions: string[]; size: number; domains: unknown }[];
    };
    const emoji = { A: "colour emoji", B: "line-art emoji" };
    expect(models.map((m) => [m.id, m.directions, m.size, m.domains])).toEqual([
      ["light@1", ["A2B", "B2A"], 64, null],
      ["bare@1", ["A2B"], 64, null],
      ["remote@2", ["A2B", "B2A"], 64, null],
      ["exported@1", ["B2A"], 64, null],
      ["full@1", ["A2B", "B2A"], 64, null],
      ["selfie@1", ["A2B", "B2A"], 64, null],
      ["demo@1", ["A2B", "B2A"], 64, emoji],
    ]);
  });

  it("/healthz, /readyz and /metrics answer; unknown routes and methods are problems", async () => {
    expect(await (await fetch(`${worker.url}/healthz`)).json()).toMatchObject({
      status: "ok",
      backend: BACKEND,
    });
    expect((await fetch(`${worker.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${worker.url}/metrics`)).text();
    for (const name of [
      "ugatit_requests_total",
      "ugatit_stage_seconds_bucket",
      "ugatit_batch_size_bucket",
      "ugatit_queue_depth",
      "ugatit_model_load_seconds",
      `ugatit_backend_info{backend="${BACKEND}"} 1`,
    ]) {
      expect(metrics).toContain(name);
    }
    expect((await problemOf(await fetch(`${worker.url}/nope`))).status).toBe(404);
    expect((await problemOf(await fetch(`${worker.url}/healthz`, { method: "DELETE" }))).status).toBe(405);
  });

  it("logs JSON lines carrying the caller's X-Request-Id", async () => {
    await signedFetch(worker.url, "/v1/models", undefined, { headers: { "x-request-id": "trace-me-123" } });
    // the log line reaches us through a pipe, a moment after the response
    let line: string | undefined;
    for (let tries = 0; tries < 50 && !line; tries++) {
      line = worker
        .logs()
        .split("\n")
        .find((l) => l.includes("trace-me-123"));
      if (!line) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(JSON.parse(line as string)).toMatchObject({
      request_id: "trace-me-123",
      path: "/v1/models",
      status: 200,
    });
  });
});

describe("under pressure", () => {
  it("answers 503 with Retry-After when the queue is full", async () => {
    const busy = await startWorkerProcess(
      workerEnv(s3, {
        UGATIT_MODELS: MODELS,
        UGATIT_SIZE: "64",
        MAX_BATCH: "8",
        MAX_DELAY_MS: "2000",
        QUEUE_LIMIT: "2",
      }),
    );
    extraWorkers.push(busy);
    // two requests wait for a batch (2 s) and fill the queue; the other ten are refused at once
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => signedFetch(busy.url, "/v1/infer", job(`flood-${i}`))),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 503)).toHaveLength(10);
    const refused = responses.find((r) => r.status === 503) as Response;
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await problemOf(refused)).title).toBe("Inference queue full");
  });

  it("on SIGTERM finishes the batch in flight, then exits 0", async () => {
    const draining = await startWorkerProcess(
      workerEnv(s3, { UGATIT_MODELS: MODELS, UGATIT_SIZE: "64", MAX_BATCH: "4", MAX_DELAY_MS: "800" }),
    );
    const pending = Promise.all(
      [0, 1, 2].map((i) => signedFetch(draining.url, "/v1/infer", job(`drain-${i}`))),
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // queued, waiting for the batch
    const exit = draining.stop("SIGTERM");
    const responses = await pending;
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await exit).toBe(0);
    expect(await exists("out/drain-2.png")).toBe(true);
  });

  it("answers 503 when storage stops mid-run and leaves no partial output, then recovers", async () => {
    const slow = await startWorkerProcess(
      workerEnv(s3, { UGATIT_MODELS: MODELS, UGATIT_SIZE: "64", MAX_BATCH: "4", MAX_DELAY_MS: "1500" }),
    );
    extraWorkers.push(slow);
    const pending = signedFetch(
      slow.url,
      "/v1/infer",
      job("outage", { output_keys: { image: "out/outage.png", heatmap: "out/outage-heat.png" } }),
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // input read; waiting for its batch
    await s3.stop();
    // storage comes back whatever happens here, or every later test would find it gone
    try {
      const r = await pending;
      expect(r.status).toBe(503);
      expect(r.headers.get("retry-after")).toBeTruthy();
      const problem = await problemOf(r);
      expect(problem.title).toBe("Storage unavailable");
      // The client sees neither keys, bucket, host nor the network error; the log has them, with the request id.
      const internals = [s3.bucket, new URL(s3.endpoint).host, "out/outage", "ECONNREFUSED", "socket"];
      for (const internal of internals) expect(JSON.stringify(problem)).not.toContain(internal);
      // the log line comes through a pipe: wait for it rather than race it
      const loggedLine = () =>
        slow
          .logs()
          .split("\n")
          .find((line) => line.includes(String(problem.request_id)) && line.includes("Storage unavailable"));
      await vi.waitFor(() => expect(loggedLine()).toBeDefined(), { timeout: 10_000, interval: 100 });
      // the object that failed: the output, or the input when a loaded machine had not read it yet
      expect(loggedLine()).toMatch(/out\/outage|in\/a\.png/);
      const whileDown = await signedFetch(slow.url, "/v1/infer", job("down"));
      expect(whileDown.status).toBe(503);
    } finally {
      await s3.start();
    }
    expect(await exists("out/outage.png")).toBe(false);
    expect(await exists("out/outage-heat.png")).toBe(false);
    expect((await signedFetch(slow.url, "/v1/infer", job("after"))).status).toBe(200);
  });
});

describe("start-up", () => {
  const failsWith = async (env: Record<string, string>, message: RegExp) => {
    const error = await startWorkerProcess(env).then(
      () => new Error("started"),
      (e: Error) => e,
    );
    const lines = error.message.replace(/^worker exited with \d+: /, "").split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  };

  it("stops with one line for a missing checkpoint, bad credentials, unreachable storage or bad configuration", async () => {
    await failsWith(
      workerEnv(s3, { UGATIT_MODELS: "x@1=/nowhere/model.pt" }),
      /model x@1 \(\/nowhere\/model\.pt\): .*does not exist/,
    );
    await failsWith(
      workerEnv(s3, { UGATIT_MODELS: MODELS, S3_SECRET_ACCESS_KEY: "wrong" }),
      /storage check failed: .*refused the credentials/,
    );
    await failsWith(
      workerEnv(s3, { UGATIT_MODELS: MODELS, S3_ENDPOINT: "http://127.0.0.1:9" }),
      /storage check failed: .*unreachable/,
    );
    await failsWith(
      workerEnv(s3, { UGATIT_MODELS: MODELS, S3_BUCKET: "no-such-bucket" }),
      /bucket no-such-bucket does not exist/,
    );
    await failsWith(
      workerEnv(s3, { UGATIT_MODELS: MODELS, WORKER_SHARED_SECRET: "short" }),
      /WORKER_SHARED_SECRET: must be at least 32/,
    );
    await failsWith(
      workerEnv(s3, { UGATIT_MODELS: MODELS, WORKER_SHARED_SECRET: "replace-me-with-openssl-rand-hex-32" }),
      /WORKER_SHARED_SECRET: is a placeholder \(it contains "replace"\)/,
    );
  });
});
