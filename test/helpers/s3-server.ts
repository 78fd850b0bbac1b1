import type { ChildProcess } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnTs, stopProcess, waitForJsonLine } from "./processes.ts";

export interface TestS3 {
  endpoint: string;
  port: number;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Stops the server process (as a crash or an outage would). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
}

/** The local signature-checking S3 server (infra/local/s3-server.ts) in a process of its own. */
export async function startTestS3(): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), "ugatit-s3-"));
  const bucket = "ugatit-test";
  const accessKeyId = "test-access-key";
  const secretAccessKey = "test-secret-key-0123456789";
  let child: ChildProcess | undefined;
  let port = 0;
  const start = async () => {
    child = spawnTs("infra/local/s3-server-main.ts", [], {
      S3_PORT: String(port),
      S3_DIRECTORY: directory,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: accessKeyId,
      S3_SECRET_ACCESS_KEY: secretAccessKey,
    });
    const ready = await waitForJsonLine<{ ready: boolean; port: number }>(child, (l) => l.ready);
    port = ready.port;
  };
  await start();
  return {
    get endpoint() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    bucket,
    accessKeyId,
    secretAccessKey,
    async stop() {
      if (child) await stopProcess(child, "SIGKILL");
      child = undefined;
    },
    start,
  };
}
