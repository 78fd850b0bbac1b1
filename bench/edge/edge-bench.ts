/**
 * @module The edge under local concurrent load: `POST /v1/uploads` and `GET /v1/translations/{id}` beside a
 * bare Hono route in the same Worker, all in workerd under wrangler's local mode, with the local S3 server
 * and a real worker (which only produces the job the GET reads).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalEdge } from "../../edge/scripts/local-edge.ts";
import { applyMigrations, executeD1, REPO_ROOT } from "../../edge/scripts/wrangler-d1.ts";
import { newApiKey } from "../../edge/src/keys/api-key.ts";
import { keyStatements } from "../../edge/src/keys/key-statements.ts";
import { workerConfigFromEnv } from "../../gpu-worker/src/server/config/worker-config.ts";
import { startWorker } from "../../gpu-worker/src/server/worker-server.ts";
import { startLocalS3 } from "../../infra/local/s3-server.ts";
import { percentile } from "../percentile.ts";

export interface EdgeBenchResult {
  route: string;
  concurrency: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** Random per run: fixed secrets are refused. */
const SECRET = randomBytes(32).toString("hex");
/** Each key may make 120 requests a minute (wrangler.toml): the load spreads over this many. */
const KEYS = 64;

/**
 * @example
 * const rows = await benchEdge({ checkpoint, input, concurrency: 32, requests: 2000 });
 */
export async function benchEdge(options: {
  checkpoint: string;
  input: string;
  concurrency: number;
  requests: number;
}): Promise<EdgeBenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), "ugatit-bench-edge-"));
  const stops: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
  try {
    const s3 = await startLocalS3({
      directory: join(dir, "s3"),
      bucket: "bench",
      accessKeyId: "bench",
      secretAccessKey: "bench-secret",
    });
    stops.push(() => s3.close());
    const worker = await startWorker(
      workerConfigFromEnv({
        PORT: "0",
        HOST: "127.0.0.1",
        UGATIT_MODELS: `bench@1=${options.checkpoint}`,
        UGATIT_SIZE: "64",
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: "bench",
        S3_ACCESS_KEY_ID: "bench",
        S3_SECRET_ACCESS_KEY: "bench-secret",
        WORKER_SHARED_SECRET: SECRET,
        LOG_LEVEL: "silent",
      }),
    );
    stops.push(() => worker.drain());
    const persistTo = join(dir, "wrangler");
    await applyMigrations({ persistTo });
    const created = await Promise.all(Array.from({ length: KEYS }, () => newApiKey("bench")));
    await executeD1(
      created.map((c) => keyStatements.insert(c.record)),
      { persistTo },
    );
    const edge = await startLocalEdge({
      entrypoint: join(REPO_ROOT, "bench/edge/bench-worker.ts"),
      persistTo,
      vars: {
        WORKER_URL: worker.url,
        WORKER_SHARED_SECRET: SECRET,
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: "bench",
        S3_FORCE_PATH_STYLE: "true",
        S3_ACCESS_KEY_ID: "bench",
        S3_SECRET_ACCESS_KEY: "bench-secret",
        DEFAULT_MODEL: "bench@1",
      },
    });
    stops.push(() => edge.stop());

    let next = 0;
    const key = () => created[next++ % KEYS]?.key as string;
    const jobId = await translatedJob(edge.url, key(), await readFile(options.input));
    const routes: [string, () => Promise<Response>][] = [
      ["bare Hono route (GET)", () => fetch(`${edge.url}/bench/bare`)],
      [
        "POST /v1/uploads",
        () =>
          fetch(`${edge.url}/v1/uploads`, {
            method: "POST",
            headers: { authorization: `Bearer ${key()}`, "content-type": "application/json" },
            body: JSON.stringify({ content_type: "image/png", content_length: 4096 }),
          }),
      ],
      [
        "GET /v1/translations/{id}",
        () =>
          fetch(`${edge.url}/v1/translations/${jobId}`, { headers: { authorization: `Bearer ${key()}` } }),
      ],
    ];
    const results: EdgeBenchResult[] = [];
    for (const [route, send] of routes) {
      await load(send, options.concurrency, Math.min(100, options.requests)); // warm-up
      results.push({ route, ...(await load(send, options.concurrency, options.requests)) });
    }
    return results;
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

/** One image through the presigned flow and a synchronous translation: the job the GET benchmark reads. */
async function translatedJob(edgeUrl: string, key: string, image: Uint8Array): Promise<string> {
  const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  const upload = (await (
    await fetch(`${edgeUrl}/v1/uploads`, {
      method: "POST",
      headers,
      body: JSON.stringify({ content_type: "image/png", content_length: image.byteLength }),
    })
  ).json()) as { upload_id: string; url: string; headers: Record<string, string> };
  const put = await fetch(upload.url, {
    method: "PUT",
    headers: upload.headers,
    body: image as Uint8Array<ArrayBuffer>,
  });
  if (!put.ok) throw new Error(`bench: the presigned PUT answered ${put.status}`);
  const r = await fetch(`${edgeUrl}/v1/translations`, {
    method: "POST",
    headers: { ...headers, prefer: "wait=60" },
    body: JSON.stringify({ upload_id: upload.upload_id, direction: "A2B" }),
  });
  const job = (await r.json()) as { id: string; status: string };
  if (job.status !== "succeeded") throw new Error(`bench: the translation ended ${job.status}`);
  return job.id;
}

async function load(send: () => Promise<Response>, concurrency: number, requests: number) {
  let started = 0;
  let errors = 0;
  const latencies: number[] = [];
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < requests) {
        started++;
        const t = performance.now();
        const r = await send();
        await r.arrayBuffer();
        latencies.push(performance.now() - t);
        if (!r.ok) errors++;
      }
    }),
  );
  const seconds = (performance.now() - begin) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    concurrency,
    requests,
    requestsPerSecond: requests / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors,
  };
}

export function edgeTable(results: EdgeBenchResult[]): string {
  const bare = results[0];
  const lines = [
    "| route | req/s | p50 ms | p99 ms | req/s vs bare | p50 vs bare | errors |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    lines.push(
      `| ${r.route} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${bare ? (r.requestsPerSecond / bare.requestsPerSecond).toFixed(2) : "–"}× | ${bare ? (r.p50Ms / bare.p50Ms).toFixed(1) : "–"}× | ${r.errors} |`,
    );
  }
  return lines.join("\n");
}
