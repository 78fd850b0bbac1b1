/**
 * Mutated and truncated real files of every format the project reads, through the readers a user's file
 * reaches: each must be read or refused with the format's own error, never a TypeError, a RangeError, a
 * crash or a hang. Deterministic: a failure names the target, seed and case to rerun with fuzz-runner.ts.
 */
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { spawnTs } from "../helpers/processes.ts";

const SEED = 20_260_101;
/** A case that takes this long is hung; a normal one takes milliseconds. */
const CASE_LIMIT_MS = 10_000;

/** Cases per target: thousands in all, about a minute of CI time. */
const TARGETS: Record<string, number> = {
  "torch-zip": 1000,
  "torch-legacy": 600,
  safetensors: 600,
  onnx: 1000,
  "image-header": 3000,
  "image-decode": 600,
  "tf-index": 300,
  "tf-data": 150,
};

/** A data file's every tensor carries a crc32c, so its mutants are refused, never read. */
const ALWAYS_REFUSED = new Set(["tf-data"]);

interface Outcome {
  i: number;
  ok?: true;
  typed?: string;
  bad?: string;
}

/** Runs a target's cases in a child process; a case that does not finish within the limit kills it. */
async function fuzz(target: string, count: number): Promise<{ outcomes: Outcome[]; failure?: string }> {
  const child = spawnTs("test/fuzz/fuzz-runner.ts", [target, String(SEED), "0", String(count)], {});
  const rerun = (i: number) => `rerun: node --import tsx test/fuzz/fuzz-runner.ts ${target} ${SEED} ${i} 1`;
  const outcomes: Outcome[] = [];
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let failure: string | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const i = outcomes.length;
        failure = `case ${i} did not finish within ${CASE_LIMIT_MS} ms; ${rerun(i)}`;
        child.kill("SIGKILL");
      }, CASE_LIMIT_MS);
    };
    // Setting up (fixtures, an ONNX export) gets the same allowance as a case.
    arm();
    createInterface({ input: child.stdout! }).on("line", (line) => {
      outcomes.push(JSON.parse(line) as Outcome);
      arm();
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (!failure && (code !== 0 || signal)) {
        const i = outcomes.length;
        failure = `the runner died (${signal ?? `exit ${code}`}) in case ${i}: ${stderr.trim().split("\n").at(-1)}; ${rerun(i)}`;
      }
      resolve({ outcomes, ...(failure ? { failure } : {}) });
    });
  });
}

describe("fuzzing every reader with mutants of real files", () => {
  it.each(Object.entries(TARGETS))(
    "%s: %i cases read or refused with typed errors",
    async (target, count) => {
      const { outcomes, failure } = await fuzz(target, count);
      expect(failure).toBeUndefined();
      expect(outcomes).toHaveLength(count);
      const bad = outcomes.filter((o) => o.bad).map((o) => `case ${o.i}: ${o.bad}`);
      expect(bad).toEqual([]);
      // Both kinds occur (the mutants reach past the first check), except where a checksum refuses them all.
      expect(outcomes.some((o) => o.ok)).toBe(!ALWAYS_REFUSED.has(target));
      expect(outcomes.some((o) => o.typed)).toBe(true);
    },
  );
});
