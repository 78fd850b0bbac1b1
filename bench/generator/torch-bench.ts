import { execFile } from "node:child_process";
import { availableParallelism } from "node:os";
import { promisify } from "node:util";
import { type BenchCase, type BenchResult, benchResult } from "./measure.ts";

const run = promisify(execFile);
const SCRIPT = new URL("./torch_generator.py", import.meta.url).pathname;

/** Debian's python3-torch lives under the system interpreter. */
export const DEFAULT_PYTHON = "/usr/bin/python3";

/** Why PyTorch cannot be timed here, or undefined when it can. */
export async function torchMissing(python: string): Promise<string | undefined> {
  try {
    await run(python, ["-c", "import torch"]);
    return undefined;
  } catch {
    return `${python} cannot import torch (on Debian: apt install python3-torch)`;
  }
}

/** PyTorch eager on the CPU, the same configuration and batch, as many intra-op threads as ONNX Runtime gets. */
export async function measureTorch(c: BenchCase, budgetMs: number, python: string): Promise<BenchResult> {
  const threads = availableParallelism();
  const args = [SCRIPT, "--model", c.model, "--size", String(c.size), "--batch", String(c.batch)];
  args.push("--threads", String(threads), "--budget-ms", String(budgetMs));
  const { stdout } = await run(python, args, { maxBuffer: 1 << 20 });
  const timing = JSON.parse(stdout.trim().split("\n").at(-1) as string) as {
    runs: number;
    msPerImage: number;
    peakRssMb: number;
    params: number;
    torch: string;
  };
  return benchResult(c, { ...timing, detail: `torch ${timing.torch}, ${threads} threads` });
}
