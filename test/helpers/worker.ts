import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { signatureHeaders } from "@ugatit/contracts/protocol";
import { spawnTs, stopProcess } from "./processes.ts";
import type { TestS3 } from "./s3-server.ts";

/** Random per test run: the worker refuses fixed, published secrets. */
export const WORKER_SECRET = randomBytes(32).toString("hex");

/** The environment `ugatit serve` needs to reach a test S3 server. */
export function workerEnv(s3: TestS3, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: "0",
    HOST: "127.0.0.1",
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: s3.bucket,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    WORKER_SHARED_SECRET: WORKER_SECRET,
    LOG_LEVEL: "info",
    ...extra,
  };
}

/** A signed request to the worker, as the edge makes it. */
export async function signedFetch(
  baseUrl: string,
  path: string,
  body?: unknown,
  init: { secret?: string; now?: number; signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<Response> {
  const bytes = body === undefined ? new Uint8Array() : new TextEncoder().encode(JSON.stringify(body));
  const method = body === undefined ? "GET" : "POST";
  const headers = await signatureHeaders(init.secret ?? WORKER_SECRET, method, path, bytes, init.now);
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...headers,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...init.headers,
    },
    ...(body === undefined ? {} : { body: bytes }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

export interface WorkerProcess {
  url: string;
  child: ChildProcess;
  logs: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `ugatit serve` as a child process; resolves once its log says ready (or, with `until: "listening"`, once
 * it listens, models still loading), with the URL it listens on.
 */
export async function startWorkerProcess(
  env: Record<string, string>,
  { until = "ready" }: { until?: "ready" | "listening" } = {},
): Promise<WorkerProcess> {
  const awaited = until === "ready" ? "ready" : "listening; loading models";
  const child = spawnTs("gpu-worker/bin/ugatit.js", ["serve"], env);
  let logs = "";
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      logs += d.toString();
      for (const line of logs.split("\n")) {
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === awaited && entry.url) resolve(entry.url);
        } catch {
          // partial line
        }
      }
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}: ${stderr.trim()}`)));
  });
  return { url, child, logs: () => logs + stderr, stop: (signal) => stopProcess(child, signal) };
}
