/**
 * The registry reads each model source once: a local checkpoint is opened once per load, an `s3://` one
 * fetched once, and the ONNX route hands out the bytes made at load without touching the file or storage.
 * Real checkpoints, a real signature-checking S3 server; file reads are counted by a pass-through spy.
 */
import { createHash } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { ReplayGuard, signatureHeaders, workerOnnxPath } from "@ugatit/contracts/protocol";
import { loadGenerator } from "@ugatit/model/checkpoints";
import { exportGeneratorToOnnx } from "@ugatit/model/onnx";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { ROOT } from "../../../../test/helpers/processes.ts";
import { testBucket } from "../../../../test/helpers/s3-bucket.ts";
import { startTestS3, type TestS3 } from "../../../../test/helpers/s3-server.ts";
import { activateBackend } from "../../runtime/backends.ts";
import { quantizeGenerator } from "../../runtime/onnx/quantize-generator.ts";
import { BatcherPool } from "../batching/batcher-pool.ts";
import { ImagePreparation } from "../infer/image-preparation.ts";
import { WorkerMetrics } from "../metrics/worker-metrics.ts";
import { ObjectStore } from "../storage/object-store.ts";
import { createWorkerApp } from "../worker-app.ts";
import { ModelRegistry } from "./model-registry.ts";

/** Every path opened or read whole through node:fs/promises, by anyone (the checkpoint readers included). */
const reads = vi.hoisted(() => [] as string[]);
vi.mock("node:fs/promises", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs/promises")>();
  const counted =
    <A extends unknown[], R>(f: (path: never, ...rest: A) => R) =>
    (path: unknown, ...rest: A): R => {
      reads.push(String(path));
      return f(path as never, ...rest);
    };
  return { ...fs, open: counted(fs.open), readFile: counted(fs.readFile) };
});

const LIGHT = join(ROOT, "test/fixtures/ugatit-parity/light64.pt");
const EXPORTED = join(tmpdir(), `ugatit-registry-${process.pid}-light64-B2A.onnx`);
const SECRET = "registry-test-secret-0123456789abcdef";

let s3: TestS3;
let storage: ObjectStore;
let storageGets: MockInstance<ObjectStore["get"]>;
const registries: ModelRegistry[] = [];

function registry(backend: "onnx" | "cpu"): ModelRegistry {
  const r = new ModelRegistry(backend, 64, storage);
  registries.push(r);
  return r;
}

const readsOf = (path: string) => reads.filter((p) => p === path).length;
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** light64's generator as `ugatit convert` exports it: the bytes the route must answer for a checkpoint. */
async function exportOf(direction: "A2B" | "B2A"): Promise<Uint8Array> {
  const { config, weights } = await loadGenerator(LIGHT, direction);
  return exportGeneratorToOnnx(config, weights, { direction, untrained: false });
}

beforeAll(async () => {
  await activateBackend("cpu");
  s3 = await startTestS3();
  storage = new ObjectStore({
    endpoint: s3.endpoint,
    region: "us-east-1",
    bucket: s3.bucket,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
  });
  await writeFile(EXPORTED, await exportOf("B2A"));
  const { client } = testBucket(s3);
  for (const [key, path] of [
    ["models/light64.pt", LIGHT],
    ["models/light64-B2A.onnx", EXPORTED],
  ] as const) {
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: await readFile(path) }));
  }
  client.destroy();
  storageGets = vi.spyOn(storage, "get");
});

beforeEach(() => {
  reads.length = 0;
  storageGets.mockClear();
});

afterAll(async () => {
  for (const r of registries) r.dispose();
  storage?.destroy();
  await s3?.stop();
  await rm(EXPORTED, { force: true });
});

describe("ModelRegistry.load", () => {
  it.each(["onnx", "cpu"] as const)(
    "opens a local checkpoint once for both generators and its metadata (%s backend)",
    async (backend) => {
      const model = await registry(backend).load({ name: "light", version: "1", source: LIGHT });
      expect(model.info.directions).toEqual(["A2B", "B2A"]);
      expect(readsOf(LIGHT)).toBe(1);
    },
  );

  it("opens a bare state_dict once and serves it as A2B only", async () => {
    const bare = join(ROOT, "test/fixtures/checkpoints/genA2B_bare.pt");
    const model = await registry("onnx").load({ name: "bare", version: "1", source: bare });
    expect(model.info.directions).toEqual(["A2B"]);
    expect(readsOf(bare)).toBe(1);
  });

  it("serves an int8 .onnx export like any other", async () => {
    const { config, weights } = await loadGenerator(LIGHT, "A2B");
    const image = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).fill(90) };
    const int8 = join(tmpdir(), `ugatit-registry-${process.pid}-light64-int8.onnx`);
    await writeFile(
      int8,
      await quantizeGenerator(config, weights, { direction: "A2B", images: [image], size: 64 }),
    );
    try {
      const model = await registry("onnx").load({ name: "int8", version: "1", source: int8 });
      expect(model.info.directions).toEqual(["A2B"]);
      const [result] = await model.translators.get("A2B")!.translate([image]);
      expect(result!.image.width).toBe(64);
      expect(result!.camLogit.every(Number.isFinite)).toBe(true);
    } finally {
      await rm(int8, { force: true });
    }
  });

  it("reads an exported .onnx file once", async () => {
    const model = await registry("onnx").load({ name: "exported", version: "1", source: EXPORTED });
    expect(model.info.directions).toEqual(["B2A"]);
    expect(readsOf(EXPORTED)).toBe(1);
  });

  it.each([
    ["models/light64.pt", ["A2B", "B2A"]],
    ["models/light64-B2A.onnx", ["B2A"]],
  ])("fetches s3://…/%s from storage once", async (key, directions) => {
    const model = await registry("onnx").load({
      name: "remote",
      version: "1",
      source: `s3://${s3.bucket}/${key}`,
    });
    expect(model.info.directions).toEqual(directions);
    expect(storageGets.mock.calls.map(([k]) => k)).toEqual([key]);
  });
});

describe("the ONNX route after load", () => {
  it.each(["onnx", "cpu"] as const)(
    "answers the bytes exported at load, with no file read and no storage request (%s backend)",
    async (backend) => {
      const models = registry(backend);
      await models.load({ name: "remote", version: "2", source: `s3://${s3.bucket}/models/light64.pt` });
      // an exported model runs on ONNX Runtime only
      if (backend === "onnx") await models.load({ name: "exported", version: "1", source: EXPORTED });
      const app = createWorkerApp({
        registry: models,
        batchers: new BatcherPool({ maxBatch: 1, maxDelayMs: 0, queueLimit: 1 }),
        storage,
        maxInputBytes: 1024,
        preparation: new ImagePreparation(1),
        secret: SECRET,
        replays: new ReplayGuard(),
        metrics: new WorkerMetrics(),
        logger: pino({ level: "silent" }),
        state: { ready: true, draining: false, inFlight: 0 },
        backend,
        versions: {},
        requestTimeoutMs: 1000,
      });
      const onnxOf = async (model: string, direction: "A2B" | "B2A") => {
        const path = workerOnnxPath(model, direction);
        const headers = await signatureHeaders(SECRET, "GET", path, new Uint8Array());
        const r = await app.request(path, { headers });
        expect(r.status, await r.clone().text()).toBe(200);
        return sha256(new Uint8Array(await r.arrayBuffer()));
      };
      const expected = [sha256(await exportOf("A2B")), sha256(await exportOf("B2A"))];
      if (backend === "onnx") expected.push(sha256(await readFile(EXPORTED)));
      reads.length = 0;
      storageGets.mockClear();
      const served = [await onnxOf("remote@2", "A2B"), await onnxOf("remote@2", "B2A")];
      if (backend === "onnx") served.push(await onnxOf("exported@1", "B2A"));
      expect(served).toEqual(expected);
      expect([reads, storageGets.mock.calls.length]).toEqual([[], 0]);
    },
  );
});
