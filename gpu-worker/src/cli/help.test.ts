/** `ugatit --help`, every command's `--help` (each option described) and `--version`, from real processes. */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "./main.ts";
import { ugatit } from "./testing.ts";

describe("ugatit's help", () => {
  it("ugatit --version prints the package's version", async () => {
    const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    const r = await ugatit("--version");
    expect([r.code, r.stdout]).toEqual([0, `ugatit ${pkg.version}\n`]);
  });

  it("ugatit --help lists every command with what it does", async () => {
    const r = await ugatit("--help");
    expect(r.code).toBe(0);
    for (const command of COMMANDS)
      expect(r.stdout).toMatch(
        new RegExp(`^  ${command.name} +${command.summary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"),
      );
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    "ugatit %s --help describes every option",
    async (name, command) => {
      const r = await ugatit(name, "--help");
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(r.stdout.split("\n")[0]).toBe(`usage: ugatit ${name} ${command.synopsis}`);
      const lines = r.stdout.split("\n");
      for (const [option, spec] of Object.entries(command.options)) {
        const line = lines.find((l) => new RegExp(`^  (-\\w, )?--${option} `).test(l));
        expect(line, `--${option}`).toBeDefined();
        expect(spec.description.length, `--${option}`).toBeGreaterThan(10);
        expect(line).toContain(spec.description);
      }
    },
  );
});
