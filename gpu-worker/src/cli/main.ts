import { CONVERT_USAGE, convertCommand } from "./convert-command.ts";
import { INSPECT_USAGE, inspectCommand } from "./inspect-command.ts";
import { SERVE_USAGE, serveCommand } from "./serve-command.ts";
import { TRAIN_USAGE, trainCommand } from "./train-command.ts";
import { TRANSLATE_USAGE, translateCommand } from "./translate-command.ts";
import { UsageError } from "./usage-error.ts";

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; usage: string }> = {
  translate: { run: translateCommand, usage: TRANSLATE_USAGE },
  convert: { run: convertCommand, usage: CONVERT_USAGE },
  inspect: { run: inspectCommand, usage: INSPECT_USAGE },
  serve: { run: serveCommand, usage: SERVE_USAGE },
  train: { run: trainCommand, usage: TRAIN_USAGE },
};

function usage(): string {
  return ["usage:", ...Object.values(COMMANDS).map((c) => `  ${c.usage}`)].join("\n");
}

/** Runs one `ugatit` command; every failure is one line on stderr and a non-zero exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(
      `ugatit: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(", ")})\n`,
    );
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`usage: ${command.usage}\n`);
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
