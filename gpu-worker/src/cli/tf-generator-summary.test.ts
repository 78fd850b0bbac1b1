import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const CLI = fileURLToPath(new URL("../../bin/ugatit.js", import.meta.url));
const CASES = fileURLToPath(new URL("../../../test/fixtures/tf-ugatit/", import.meta.url));

describe("ugatit inspect on a TF checkpoint", () => {
  it.each([
    ["light64", "head"],
    ["light64_legacy", "legacy"],
  ])("reports %s's generators with the code version read off the file (%s)", async (name, version) => {
    const { stdout } = await run(process.execPath, [CLI, "inspect", `${CASES}${name}`, "--json"]);
    const { networks } = JSON.parse(stdout) as {
      networks: { name: string; config: unknown; description: string }[];
    };
    const config = { ngf: 8, nBlocks: 4, light: true, imgSize: null, tfVersion: version };
    expect(networks.find((n) => n.name === "generator_B")?.config).toEqual({ ...config, direction: "A2B" });
    expect(networks.find((n) => n.name === "generator_A")?.config).toEqual({ ...config, direction: "B2A" });
    const text = await run(process.execPath, [CLI, "inspect", `${CASES}${name}`]);
    expect(text.stdout).toContain(`generator_B: A2B generator, ngf 8, 4 blocks, light, TF ${version}`);
  });
});
