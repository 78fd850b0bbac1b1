/**
 * Availability of `ugatit serve` as a child process, its storage behind a gate that records and can hold
 * requests to the real signature-checking S3 server: retryable answers while loading and draining,
 * admission before any read, health checks while large uploads decode.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InferResponse } from "@ugatit/contracts/protocol";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type TestBucket, testBucket } from "../../../test/helpers/s3-bucket.ts";
import { type S3Gate, type SeenRequest, startS3Gate } from "../../../test/helpers/s3-gate.ts";
import { startTestS3, type TestS3 } from "../../../test/helpers/s3-server.ts";
import {
  signedFetch,
  startWorkerProcess,
  type WorkerProcess,
  workerEnv,
} from "../../../test/helpers/worker.ts";
import { inferJobs, PARITY, problemOf, rgbOf, translateLight64A2B } from "./testing.ts";

const LARGE = join(tmpdir(), `ugatit-availability-${process.pid}-large.jpg`);

let s3: TestS3;
let bucket: TestBucket;
let gate: S3Gate;
const workers: WorkerProcess[] = [];

const job = inferJobs("remote@2");
const gatedEnv = (extra: Record<string, string>) => ({
  ...workerEnv(s3, {
    UGATIT_MODELS: `remote@2=s3://${s3.bucket}/models/light64.pt`,
    UGATIT_SIZE: "64",
    ...extra,
  }),
  S3_ENDPOINT: gate.endpoint,
});
async function start(env: Record<string, string>, until: "ready" | "listening" = "ready") {
  const worker = await startWorkerProcess(env, { until });
  workers.push(worker);
  return worker;
}
const getOf =
  (key: string) =>
  ({ method, path }: SeenRequest) =>
    method === "GET" && path === `/${s3.bucket}/${key}`;

beforeAll(async () => {
  s3 = await startTestS3();
  gate = await startS3Gate(s3);
  bucket = testBucket(s3);
  await bucket.put("in/a.png", await readFile(join(PARITY, "light64_a_in.png")));
  await bucket.put(
    "models/light64.pt",
    await readFile(join(PARITY, "light64.pt")),
    "application/octet-stream",
  );
  // A 3000×2000 photo: decoding and resizing it to 64² is real work.
  const large = await sharp(join(PARITY, "light64_a_in.png"))
    .resize(3000, 2000, { fit: "fill", kernel: "cubic" })
    .jpeg({ quality: 90 })
    .toBuffer();
  await writeFile(LARGE, large);
  await bucket.put("in/large.jpg", large, "image/jpeg");
});

afterEach(() => {
  gate.release();
  gate.seen.length = 0;
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop("SIGKILL")));
  await gate?.close();
  await s3?.stop();
  await rm(LARGE, { force: true });
});

describe("while its models load", () => {
  it("answers /v1 with 503 not-ready and Retry-After, /healthz 200; an unknown model is 404 only once loaded", async () => {
    gate.hold(getOf("models/light64.pt"));
    const loading = await start(gatedEnv({}), "listening");
    await gate.arrived(getOf("models/light64.pt"));

    expect((await fetch(`${loading.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${loading.url}/readyz`)).status).toBe(503);
    for (const r of [
      await signedFetch(loading.url, "/v1/infer", job("early")),
      await signedFetch(loading.url, "/v1/infer", job("early-unknown", { model: "nope@1" })),
      await signedFetch(loading.url, "/v1/models"),
    ]) {
      expect(r.status).toBe(503);
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect((await problemOf(r)).type).toMatch(/\/not-ready$/);
    }
    // nothing was read for the refused jobs
    expect(gate.seen.filter(getOf("in/a.png"))).toHaveLength(0);

    gate.release();
    await expect
      .poll(async () => (await fetch(`${loading.url}/readyz`)).status, { timeout: 60_000 })
      .toBe(200);
    const unknown = await signedFetch(loading.url, "/v1/infer", job("late-unknown", { model: "nope@1" }));
    expect(unknown.status).toBe(404);
    expect((await problemOf(unknown)).type).toMatch(/\/unknown-model$/);
    const served = await signedFetch(loading.url, "/v1/infer", job("late"));
    expect(served.status, await served.clone().text()).toBe(200);
  });
});

describe("while it drains", () => {
  it("keeps listening, answers newcomers 503 shutting-down, finishes the job in flight, then exits 0", async () => {
    const draining = await start(gatedEnv({}));
    const isHeldWrite = ({ method, path }: SeenRequest) =>
      method === "PUT" && path === `/${s3.bucket}/out/in-flight.png`;
    gate.hold(isHeldWrite);
    const inFlight = signedFetch(draining.url, "/v1/infer", job("in-flight"));
    await gate.arrived(isHeldWrite);

    const exit = draining.stop("SIGTERM");
    await expect.poll(async () => (await fetch(`${draining.url}/readyz`)).status).toBe(503);
    expect(((await (await fetch(`${draining.url}/healthz`)).json()) as { draining: boolean }).draining).toBe(
      true,
    );
    const newcomer = await signedFetch(draining.url, "/v1/infer", job("newcomer"));
    expect(newcomer.status).toBe(503);
    expect(newcomer.headers.get("retry-after")).toBe("1");
    expect((await problemOf(newcomer)).type).toMatch(/\/shutting-down$/);

    gate.release();
    expect((await inFlight).status).toBe(200);
    expect(await exit).toBe(0);
    expect(gate.seen.filter(getOf("in/a.png"))).toHaveLength(1); // the newcomer read nothing
  });
});

describe("admission", () => {
  it("counts a request from the moment it is accepted: with the queue full, 503 and no storage read", async () => {
    const busy = await start(gatedEnv({ QUEUE_LIMIT: "2", MAX_BATCH: "8", MAX_DELAY_MS: "100" }));
    gate.hold(getOf("in/a.png"));
    const admitted = [0, 1].map((i) => signedFetch(busy.url, "/v1/infer", job(`admitted-${i}`)));
    await gate.arrived(getOf("in/a.png"), 2); // both still reading their input, none queued yet

    const refused = await Promise.all(
      Array.from({ length: 10 }, (_, i) => signedFetch(busy.url, "/v1/infer", job(`refused-${i}`))),
    );
    for (const r of refused) {
      expect(r.status).toBe(503);
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect((await problemOf(r)).type).toMatch(/\/queue-full$/);
    }
    expect(gate.seen.filter(getOf("in/a.png"))).toHaveLength(2);

    gate.release();
    expect((await Promise.all(admitted)).map((r) => r.status)).toEqual([200, 200]);
    // places are given back: the next request is served
    expect((await signedFetch(busy.url, "/v1/infer", job("after"))).status).toBe(200);
  });

  it("keeps /healthz answering while a burst of large photos decodes, with the pixels `ugatit translate` gives", async () => {
    const burst = await start(
      gatedEnv({ QUEUE_LIMIT: "16", MAX_BATCH: "4", MAX_DELAY_MS: "20", PREPARE_THREADS: "2" }),
    );
    let done = false;
    const photos = Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        signedFetch(burst.url, "/v1/infer", job(`large-${i}`, { input_key: "in/large.jpg" })),
      ),
    ).finally(() => {
      done = true;
    });
    const health: number[] = [];
    while (!done) health.push((await fetch(`${burst.url}/healthz`)).status);
    const answers = await photos;
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(health.length).toBeGreaterThanOrEqual(1);
    expect(health.every((s) => s === 200)).toBe(true);

    const cliOut = join(tmpdir(), `ugatit-availability-${process.pid}-cli.png`);
    await translateLight64A2B(LARGE, cliOut);
    expect(InferResponse.parse(await answers[0]?.json()).input).toEqual({
      width: 3000,
      height: 2000,
      format: "jpeg",
    });
    // alone, as the CLI runs it: a batch of one computes the same numbers
    const alone = await signedFetch(
      burst.url,
      "/v1/infer",
      job("large-alone", { input_key: "in/large.jpg" }),
    );
    expect(InferResponse.parse(await alone.json()).batch_size).toBe(1);
    const served = await rgbOf(await bucket.get("out/large-alone.png"));
    expect(served.equals(await rgbOf(await readFile(cliOut)))).toBe(true);
    await rm(cliOut, { force: true });
  });
});
