import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Stack, startStack } from "../../infra/local/stack.ts";
import { ROOT } from "./processes.ts";

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The whole local stack (as `npm start` runs it) on free ports, with its state in a temporary folder;
 * without a checkpoint it serves what `npm start` does (the demo model).
 */
export async function startTestStack(
  checkpoint?: string,
): Promise<Stack & { failures: string[]; stateDir: string }> {
  const failures: string[] = [];
  const stateDir = await mkdtemp(join(tmpdir(), "ugatit-stack-"));
  const stack = await startStack({
    root: ROOT,
    stateDir,
    ports: {
      edge: await freePort(),
      worker: await freePort(),
      s3: await freePort(),
      inspector: await freePort(),
    },
    checkpoint,
    onFailure: (message) => failures.push(message),
  });
  return Object.assign(stack, { failures, stateDir });
}
