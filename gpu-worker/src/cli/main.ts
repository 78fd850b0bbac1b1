import { readFileSync } from "node:fs";
import type { CommandSpec } from "./command-spec.ts";
import { helpText } from "./command-spec.ts";
import { CONVERT } from "./convert-command.ts";
import { INSPECT } from "./inspect-command.ts";
import { SERVE } from "./serve-command.ts";
import { TRAIN } from "./train-command.ts";
import { TRANSLATE } from "./translate-command.ts";
import { UsageError } from "./usage-error.ts";

export const COMMANDS: readonly CommandSpec[] = [TRANSLATE, CONVERT, INSPECT, SERVE, TRAIN] as CommandSpec[];

/** The version of the package the CLI ships in. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    "usage: ugatit COMMAND [options]   (ugatit COMMAND --help for its options)",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "",
    "  --version   print the version",
    "  --help      show this help",
    "",
  ].join("\n");
}

/** Runs one `ugatit` command; every failure is one line on stderr and a non-zero exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    (name === undefined ? process.stderr : process.stdout).write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write(`ugatit ${version()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(
      `ugatit: unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(", ")})\n`,
    );
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(helpText(command));
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    const hint = error instanceof UsageError ? ` (see: ugatit ${name} --help)` : "";
    process.stderr.write(`ugatit ${name}: ${message}${hint}\n`);
    if (process.env.UGATIT_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
