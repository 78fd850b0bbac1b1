import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeStackPorts, type Stack, startStack } from "../../infra/local/stack.ts";
import { ROOT } from "./processes.ts";

export { freePort } from "../../infra/local/ports.ts";

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
    ports: await freeStackPorts(),
    checkpoint,
    onFailure: (message) => failures.push(message),
  });
  return Object.assign(stack, { failures, stateDir });
}
