/**
 * `npm start`: the whole service locally (see stack.ts). Prints the edge URL, a development API key and a
 * curl example once every part answers its health check; Ctrl-C stops everything.
 */
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startStack } from "./stack.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const stateDir = join(root, ".local");
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

mkdirSync(join(stateDir, "logs"), { recursive: true });
const logs = new Map<string, WriteStream>();
const log = (part: string, line: string) => {
  if (!logs.has(part))
    logs.set(part, createWriteStream(join(stateDir, "logs", `${part}.log`), { flags: "a" }));
  logs.get(part)?.write(`${line}\n`);
};

let stopping = false;
let stack: Awaited<ReturnType<typeof startStack>> | undefined;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await stack?.stop();
  process.exit(code);
};

console.log("starting: s3, worker, edge (logs in .local/logs/)");
// `on`, not `once`: npm forwards the signal the terminal already sent, and a second one must not kill us mid-cleanup
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
try {
  stack = await startStack({
    root,
    stateDir,
    ports: {
      edge: port("EDGE_PORT", 8787),
      worker: port("WORKER_PORT", 8080),
      s3: port("S3_PORT", 9000),
      inspector: port("INSPECTOR_PORT", 9229),
    },
    checkpoint: process.env.UGATIT_CHECKPOINT,
    log,
    onFailure: (message) => {
      console.error(`error: ${message}; stopping the others`);
      void stop(1);
    },
  });
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  await stop(1);
}
if (stack) {
  const { info } = stack;
  const modelNote = info.untrained
    ? "UNTRAINED: generated weights, so translations are noise; set UGATIT_CHECKPOINT to serve a real model"
    : info.checkpoint;
  console.log(`
  edge     ${info.edgeUrl}   (demo page: ${info.edgeUrl}/)
  api key  ${info.apiKey}
  model    ${info.model}@1   ${modelNote}
  worker   ${info.workerUrl}
  s3       ${info.s3Endpoint}   bucket ${info.bucket}
  written  .local/dev.json

  try:  curl -s -H "Authorization: Bearer ${info.apiKey}" ${info.edgeUrl}/v1/models

ready (Ctrl-C stops everything)`);
}
