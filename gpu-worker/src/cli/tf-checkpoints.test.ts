import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ugatit } from "./testing.ts";

const CASES = fileURLToPath(new URL("../../../test/fixtures/tf-ugatit/", import.meta.url));
const TORCH = fileURLToPath(new URL("../../../test/fixtures/ugatit-parity/light64.pt", import.meta.url));

describe("ugatit inspect on a TF checkpoint", () => {
  it.each([
    ["light64", "head"],
    ["light64_legacy", "legacy"],
  ])("reports %s's generators with the code version read off the file (%s)", async (name, version) => {
    const { stdout } = await ugatit("inspect", `${CASES}${name}`, "--json");
    const { networks } = JSON.parse(stdout) as { networks: { name: string; config: unknown }[] };
    const config = { ngf: 8, nBlocks: 4, light: true, imgSize: null, tfVersion: version };
    expect(networks.find((n) => n.name === "generator_B")?.config).toEqual({ ...config, direction: "A2B" });
    expect(networks.find((n) => n.name === "generator_A")?.config).toEqual({ ...config, direction: "B2A" });
    const text = await ugatit("inspect", `${CASES}${name}`);
    expect(text.stdout).toContain(`generator_B: A2B generator, ngf 8, 4 blocks, light, TF ${version}`);
  });
});

describe("--tf-version", () => {
  const translate = (checkpoint: string, version: string) =>
    ugatit(
      "translate",
      "--checkpoint",
      checkpoint,
      "--direction",
      "A2B",
      "--input",
      `${CASES}light64/a_in.png`,
      "--output",
      "/tmp/never-written.png",
      "--tf-version",
      version,
    );
  const oneLine = (stderr: string) => stderr.trimEnd().split("\n");

  it.each([
    [
      "an unknown version",
      `${CASES}light64`,
      "newest",
      2,
      /--tf-version must be one of head, legacy, got "newest"/,
    ],
    [
      "a PyTorch checkpoint",
      TORCH,
      "head",
      1,
      /light64\.pt: a TF code version \(head\) was given, but this is a generator of the PyTorch code/,
    ],
    [
      "legacy of a HEAD checkpoint",
      `${CASES}light64`,
      "legacy",
      1,
      /missing variable: generator_B\/CAM_logit\/dense\/kernel/,
    ],
  ] as const)("refuses %s in one line", async (_, checkpoint, version, code, message) => {
    const r = await translate(checkpoint, version);
    expect(r.code).toBe(code);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
