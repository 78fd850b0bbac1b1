/** docs/CLI.md keeps up with the CLI: each command's section shows its synopsis and names every option. */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "./main.ts";

const doc = await readFile(new URL("../../../docs/CLI.md", import.meta.url), "utf8");

/** The text of `## \`ugatit <name>\`` up to the next `## ` heading. */
function section(name: string): string {
  const start = doc.indexOf(`## \`ugatit ${name}\`\n`);
  expect(start, `docs/CLI.md has no section for ugatit ${name}`).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf("\n## ", start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

describe("docs/CLI.md", () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    "ugatit %s: its synopsis and every option",
    (name, command) => {
      const text = section(name);
      expect(text).toContain(`\n${`ugatit ${name} ${command.synopsis}`.trimEnd()}\n`);
      const missing = Object.keys(command.options).filter(
        (option) => !new RegExp(`\`--${option}[\` ]`).test(text),
      );
      expect(missing, `options not in docs/CLI.md's ugatit ${name}`).toEqual([]);
    },
  );
});
