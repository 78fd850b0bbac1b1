/**
 * `ugatit train --deterministic` against what the official UGATIT.py loop computed for three iterations
 * from the same checkpoint and batches (test/fixtures/ugatit-train, from ../shared/fixtures/ugatit-train).
 */
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openWeightFile, type WeightFile } from "@ugatit/model/checkpoints";
import { beforeAll, describe, expect, it } from "vitest";
import { ugatit } from "../gpu-worker/src/cli/testing.ts";

const FIXTURE = fileURLToPath(new URL("fixtures/ugatit-train/", import.meta.url));
const LOSS_TOLERANCE = 1e-3;
/**
 * Adam turns a gradient's sign into a step of about lr (1e-4); where three steps cancel to under a tenth
 * of one, the sign of the net change is float32 noise (a 32-element rho tensor flips one such element),
 * so the sign test counts the elements the official run moved by more than this.
 */
const SIGN_NOISE_FLOOR = 1e-5;

interface Official {
  steps: number;
  log: Record<string, number | string>[];
}

async function train(out: string, iterations: number, extra: string[] = []) {
  const r = await ugatit(
    "train",
    "--data",
    join(FIXTURE, "data"),
    "--init",
    join(FIXTURE, "train_light96_init.pt"),
    "--iterations",
    String(iterations),
    "--deterministic",
    "--log",
    join(out, "losses.jsonl"),
    "--export-pytorch",
    join(out, "after.pt"),
    ...extra,
  );
  expect(r.code, r.stderr).toBe(0);
  return r;
}

async function readAll(file: WeightFile): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const name of file.tensors.keys()) out.set(name, await file.read(name));
  await file.close();
  return out;
}

const norm = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

describe("ugatit train --deterministic reproduces the official loop", () => {
  let out: string;
  let official: Official;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), "ugatit-train-"));
    official = JSON.parse(await readFile(join(FIXTURE, "train_light96.json"), "utf8")) as Official;
    await train(out, official.steps);
  });

  it("logs every loss term of every iteration within 1e-3 of the official values", async () => {
    const lines = (await readFile(join(out, "losses.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(official.steps);
    for (const [i, expected] of official.log.entries()) {
      const actual = lines[i] as Record<string, number>;
      expect(actual.step).toBe(expected.step);
      for (const [name, value] of Object.entries(expected)) {
        if (typeof value !== "number" || name === "step") continue;
        const relative = Math.abs((actual[name] as number) - value) / Math.abs(value);
        expect(relative, `step ${expected.step} ${name}: ${actual[name]} vs ${value}`).toBeLessThan(
          LOSS_TOLERANCE,
        );
      }
    }
  });

  it("ends with the official weights: each tensor's change has the same sign, its error under 1e-2", async () => {
    const init = await readAll(await openWeightFile(join(FIXTURE, "train_light96_init.pt")));
    const reference = await readAll(await openWeightFile(join(FIXTURE, "train_light96_after3.pt")));
    const ours = await readAll(await openWeightFile(join(out, "after.pt")));
    expect([...ours.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [name, ref] of reference) {
      const mine = ours.get(name) as Float32Array;
      const start = init.get(name) as Float32Array;
      let [agree, counted] = [0, 0];
      for (let i = 0; i < ref.length; i++) {
        const expected = ref[i]! - start[i]!;
        if (Math.abs(expected) < SIGN_NOISE_FLOOR) continue;
        counted++;
        if (Math.sign(mine[i]! - start[i]!) === Math.sign(expected)) agree++;
      }
      if (counted > 0) expect(agree / counted, `${name}: sign of the change`).toBeGreaterThanOrEqual(0.99);
      const diff = norm(mine.map((v, i) => v - ref[i]!));
      expect(diff / norm(ref), `${name}: relative error of the tensor`).toBeLessThan(1e-2);
    }
  });

  it("resumes from a checkpoint to exactly the weights of an uninterrupted run", async () => {
    const first = await mkdtemp(join(tmpdir(), "ugatit-resume-"));
    await train(first, 2, ["--out", first, "--save-every", "2"]);
    const resumed = await ugatit(
      "train",
      "--data",
      join(FIXTURE, "data"),
      "--resume",
      join(first, "checkpoint_0000002.safetensors"),
      "--iterations",
      "3",
      "--deterministic",
      "--export-pytorch",
      join(first, "resumed.pt"),
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    const straight = await readAll(await openWeightFile(join(out, "after.pt")));
    const again = await readAll(await openWeightFile(join(first, "resumed.pt")));
    for (const [name, t] of straight) expect(Array.from(again.get(name)!), name).toEqual(Array.from(t));
  });
});
