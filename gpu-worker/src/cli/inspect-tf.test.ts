import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ugatit } from "./testing.ts";

const LIGHT64 = fileURLToPath(new URL("../../../test/fixtures/tf-ugatit/light64/", import.meta.url));
const TF_REAL =
  process.env.TF_REAL_FIXTURES ??
  fileURLToPath(new URL("../../../../shared/fixtures/tf-real/", import.meta.url));
const MNIST = join(TF_REAL, "0x7a726f__MNIST_model", "variables.index");
if (!existsSync(MNIST))
  console.warn(`inspect-tf.test.ts: the int64/string case is skipped, ${MNIST} is absent`);

interface Inspected {
  format: string;
  networks: { name: string; parameters: number }[];
  tensors: { name: string; dtype: string; shape: number[] }[];
}

describe("ugatit inspect on TensorFlow checkpoints", () => {
  it("--json lists every tensor of a checkpoint folder, with the networks by scope", async () => {
    const r = await ugatit("inspect", LIGHT64, "--json");
    expect(r.code, r.stderr).toBe(0);
    const inspected = JSON.parse(r.stdout) as Inspected;
    expect(inspected.format).toBe("tf-bundle");
    expect(inspected.tensors).toHaveLength(666);
    expect(inspected.tensors).toContainEqual({
      name: "generator_B/conv/conv2d/kernel",
      dtype: "float32",
      shape: [7, 7, 3, 8],
    });
    expect(inspected.tensors).toContainEqual({ name: "beta1_power", dtype: "float32", shape: [] });
    const generators = inspected.networks.filter((n) => n.name.startsWith("generator_"));
    expect(generators.map((n) => n.name).sort()).toEqual(["generator_A", "generator_B"]);
  });

  it("the human listing names the format and every tensor", async () => {
    const r = await ugatit("inspect", join(LIGHT64, "UGATIT.model-1000000.index"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/: tf-bundle, 666 tensors\n/);
    expect(r.stdout).toContain("  generator_B/conv/conv2d/kernel [7, 7, 3, 8] float32\n");
    expect(r.stdout).toMatch(
      /\n {2}generator_B: A2B generator, ngf 8, 4 blocks, light, TF head \(version read off the file\), [\d,]+ parameters\n/,
    );
  });

  it.skipIf(!existsSync(MNIST))("int64 and string tensors show their TensorFlow types", async () => {
    const inspected = JSON.parse((await ugatit("inspect", MNIST, "--json")).stdout) as Inspected;
    expect(inspected.tensors).toHaveLength(64);
    expect(inspected.tensors).toContainEqual({
      name: "_CHECKPOINTABLE_OBJECT_GRAPH",
      dtype: "string",
      shape: [],
    });
    expect(inspected.tensors).toContainEqual({
      name: "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE",
      dtype: "int64",
      shape: [],
    });
  });

  it("a folder without a checkpoint is one line and exit 1", async () => {
    const r = await ugatit("inspect", fileURLToPath(new URL(".", import.meta.url)));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(
      /cli: not a checkpoint: a folder without a checkpoint file, with no \.index file/,
    );
  });
});
