/**
 * @module The real services the edge's workerd tests talk to, started from Node before the tests: the
 * signature-checking S3 server and `ugatit serve` processes (the light64 checkpoint at 64², so it is fast, and
 * full64).
 */
import { readFile } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import sharp from "sharp";
import { ROOT } from "../../../test/helpers/processes.ts";
import { startTestS3, type TestS3 } from "../../../test/helpers/s3-server.ts";
import {
  startWorkerProcess,
  WORKER_SECRET,
  type WorkerProcess,
  workerEnv,
} from "../../../test/helpers/worker.ts";
import type { TestImages, TestStorage } from "../provided.ts";

export const TEST_MODEL = "light@1";
const CHECKPOINT = join(ROOT, "test/fixtures/ugatit-parity/light64.pt");
/** A full model beside it, for what only light models can do (run in the browser). */
const FULL_MODEL = `full@1=${join(ROOT, "test/fixtures/ugatit-parity/full64.pt")}`;
export const PARITY_INPUT = join(ROOT, "test/fixtures/ugatit-parity/light64_a_in.png");
const FACES = join(ROOT, "test/fixtures/faces");

/** Things to stop when the tests are done, last started first. */
export class Services {
  private readonly stops: (() => Promise<unknown>)[] = [];

  async s3(): Promise<TestS3> {
    const s3 = await startTestS3();
    this.stops.push(() => s3.stop());
    return s3;
  }

  /** `ugatit serve` with the test model; `extra` overrides its environment (batching, timeouts, storage). */
  async worker(s3: TestS3, extra: Record<string, string> = {}): Promise<WorkerProcess> {
    const worker = await startWorkerProcess(
      workerEnv(s3, {
        UGATIT_MODELS: `${TEST_MODEL}=${CHECKPOINT},${FULL_MODEL}`,
        UGATIT_SIZE: "64",
        MAX_BATCH: "4",
        MAX_DELAY_MS: "5",
        ...extra,
      }),
    );
    this.stops.push(() => worker.stop("SIGKILL"));
    return worker;
  }

  onStop(stop: () => Promise<unknown>): void {
    this.stops.push(stop);
  }

  async stopAll(): Promise<void> {
    for (const stop of this.stops.reverse()) await stop();
  }
}

/** A URL where nothing listens: a port taken from the OS, then given back. */
export async function unusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** A server that accepts connections and never answers, like a worker stuck in a long stall. */
export async function hungServer(services: Services): Promise<string> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  services.onStop(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/**
 * A worker as it is while it loads its models: it already listens, knows no model yet (404 unknown-model,
 * as `ugatit serve` answers then) and says so on /readyz (503 with Retry-After).
 */
export async function loadingWorker(services: Services, retryAfterSeconds: number): Promise<string> {
  return problemServer(services, (path) =>
    path === "/readyz"
      ? [503, "not-ready", "models are still loading", { "retry-after": String(retryAfterSeconds) }]
      : [404, "unknown-model", "no model light@1; this worker has none", {}],
  );
}

/** A worker at capacity or draining: 503 with Retry-After to everything. */
export async function busyWorker(services: Services, retryAfterSeconds: number): Promise<string> {
  return problemServer(services, () => [
    503,
    "queue-full",
    "the worker is at capacity; retry later",
    { "retry-after": String(retryAfterSeconds) },
  ]);
}

type ProblemAnswer = [status: number, slug: string, detail: string, headers: Record<string, string>];

async function problemServer(services: Services, answer: (path: string) => ProblemAnswer): Promise<string> {
  const server = createHttpServer((req, res) => {
    const [status, slug, detail, headers] = answer(new URL(req.url ?? "/", "http://x").pathname);
    req.resume();
    res.writeHead(status, { "content-type": "application/problem+json", ...headers });
    res.end(JSON.stringify({ type: `https://ugatit.dev/problems/${slug}`, title: slug, status, detail }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  services.onStop(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** Serves the worker's log lines over HTTP, so tests inside workerd can see what the worker was told. */
export async function logServer(services: Services, logs: () => string): Promise<string> {
  const server = createHttpServer((_, res) => res.end(logs()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  services.onStop(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

export function storageOf(s3: TestS3): TestStorage {
  return {
    endpoint: s3.endpoint,
    bucket: s3.bucket,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
  };
}

/** The parity input as PNG, and the same picture as JPEG and WebP, base64-encoded for the workerd side. */
export async function testImages(): Promise<TestImages> {
  return {
    png: (await readFile(PARITY_INPUT)).toString("base64"),
    jpeg: (await sharp(PARITY_INPUT).jpeg().toBuffer()).toString("base64"),
    webp: (await sharp(PARITY_INPUT).webp().toBuffer()).toString("base64"),
    portrait: (await readFile(join(FACES, "astronaut.jpg"))).toString("base64"),
    faceless: (await readFile(join(FACES, "fruits.jpg"))).toString("base64"),
  };
}

export { WORKER_SECRET };
