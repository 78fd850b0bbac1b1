import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { signatureHeaders } from "@ugatit/contracts/protocol";
import { workerConfigFromEnv } from "../../gpu-worker/src/server/config/worker-config.ts";
import { startWorker } from "../../gpu-worker/src/server/worker-server.ts";
import { startLocalS3 } from "../../infra/local/s3-server.ts";
import { percentile } from "../percentile.ts";

export interface WorkerBenchResult {
  concurrency: number;
  batching: boolean;
  requests: number;
  imagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanBatch: number;
}

/** Random per run: fixed secrets are refused. */
const SECRET = randomBytes(32).toString("hex");

/**
 * The worker under load: `requests` signed inferences at each concurrency, once with dynamic batching
 * (MAX_BATCH 8) and once without (MAX_BATCH 1), same backend and model, through real HTTP and S3.
 */
export async function benchWorker(options: {
  checkpoint: string;
  size: number;
  input: string;
  backend?: string | undefined;
  concurrencies: number[];
  requests: number;
}): Promise<WorkerBenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), "ugatit-bench-s3-"));
  const s3 = await startLocalS3({
    directory: dir,
    bucket: "bench",
    accessKeyId: "bench",
    secretAccessKey: "bench-secret",
  });
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "bench", secretAccessKey: "bench-secret" },
  });
  await client.send(
    new PutObjectCommand({ Bucket: "bench", Key: "in.png", Body: await readFile(options.input) }),
  );
  const results: WorkerBenchResult[] = [];
  try {
    for (const batching of [false, true]) {
      const config = workerConfigFromEnv({
        PORT: "0",
        HOST: "127.0.0.1",
        UGATIT_MODELS: `bench@1=${options.checkpoint}`,
        UGATIT_SIZE: String(options.size),
        ...(options.backend ? { UGATIT_BACKEND: options.backend } : {}),
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: "bench",
        S3_ACCESS_KEY_ID: "bench",
        S3_SECRET_ACCESS_KEY: "bench-secret",
        WORKER_SHARED_SECRET: SECRET,
        MAX_BATCH: batching ? "8" : "1",
        MAX_DELAY_MS: batching ? "10" : "0",
        QUEUE_LIMIT: "1000",
        REQUEST_TIMEOUT_MS: "600000",
        LOG_LEVEL: "silent",
      });
      const worker = await startWorker(config);
      try {
        for (const concurrency of options.concurrencies) {
          results.push({ ...(await load(worker.url, concurrency, options.requests)), concurrency, batching });
        }
      } finally {
        await worker.drain();
      }
    }
  } finally {
    client.destroy();
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

async function load(url: string, concurrency: number, requests: number) {
  let next = 0;
  const latencies: number[] = [];
  const batches: number[] = [];
  const one = async (i: number) => {
    const body = new TextEncoder().encode(
      JSON.stringify({
        job_id: `b${i}`,
        model: "bench@1",
        direction: "A2B",
        input_key: "in.png",
        output_keys: { image: `out/${i % 64}.png` },
      }),
    );
    const headers = {
      ...(await signatureHeaders(SECRET, "POST", "/v1/infer", body)),
      "content-type": "application/json",
    };
    const t = performance.now();
    const r = await fetch(`${url}/v1/infer`, { method: "POST", body, headers });
    const json = (await r.json()) as { batch_size?: number; detail?: string };
    if (!r.ok) throw new Error(`worker answered ${r.status}: ${json.detail}`);
    latencies.push(performance.now() - t);
    batches.push(json.batch_size ?? 1);
  };
  await one(-1); // warm-up
  latencies.length = 0;
  batches.length = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) await one(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests,
    imagesPerSecond: requests / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    meanBatch: batches.reduce((a, b) => a + b, 0) / batches.length,
  };
}

export function workerTable(results: WorkerBenchResult[]): string {
  const lines = [
    "| concurrency | batching off img/s | batching on img/s | on/off | p50 off ms | p50 on ms | p99 off ms | p99 on ms | mean batch on |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const c of [...new Set(results.map((r) => r.concurrency))]) {
    const off = results.find((r) => r.concurrency === c && !r.batching);
    const on = results.find((r) => r.concurrency === c && r.batching);
    if (!off || !on) continue;
    lines.push(
      `| ${c} | ${off.imagesPerSecond.toFixed(2)} | ${on.imagesPerSecond.toFixed(2)} | ${(on.imagesPerSecond / off.imagesPerSecond).toFixed(2)}× | ${off.p50Ms.toFixed(0)} | ${on.p50Ms.toFixed(0)} | ${off.p99Ms.toFixed(0)} | ${on.p99Ms.toFixed(0)} | ${on.meanBatch.toFixed(1)} |`,
    );
  }
  return lines.join("\n");
}
