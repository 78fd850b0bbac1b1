import type { ParseArgsOptionDescriptor } from "node:util";
import { parseCommandLine } from "./args.ts";

/** One option: how `util.parseArgs` reads it, and what `--help` says about it. */
export type OptionSpec = ParseArgsOptionDescriptor & {
  /** What the value looks like in the help (`FILE`, `N`); booleans have none. */
  value?: string;
  description: string;
};

/** A command's one definition: its parser and its `--help` come from here. */
export interface CommandSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  name: string;
  /** One line for `ugatit --help`. */
  summary: string;
  /** What follows `ugatit NAME` in the synopsis. */
  synopsis: string;
  /** Paragraphs after the synopsis. */
  details?: string[];
  /** A positional argument's name and description, when the command takes one. */
  positional?: { name: string; description: string };
  options: O;
  examples?: string[];
  run(argv: string[]): Promise<number>;
}

/** Parses `argv` against the command's options (strict; mistakes are usage errors). */
export function parseOptions<O extends Record<string, OptionSpec>>(
  spec: { options: O; positional?: unknown },
  argv: string[],
) {
  return parseCommandLine(argv, spec.options, spec.positional !== undefined);
}

function optionLabel(name: string, option: OptionSpec): string {
  const short = option.short ? `-${option.short}, ` : "";
  return `${short}--${name}${option.value ? ` ${option.value}` : ""}`;
}

/** `ugatit NAME --help`: synopsis, details, every option with its description and default, examples. */
export function helpText(spec: CommandSpec): string {
  const rows: [string, string][] = Object.entries(spec.options).map(([name, option]) => {
    const fallback =
      option.default !== undefined && option.default !== false ? ` (default: ${String(option.default)})` : "";
    return [optionLabel(name, option), `${option.description}${fallback}`];
  });
  rows.push(["-h, --help", "show this help"]);
  if (spec.positional) rows.unshift([spec.positional.name, spec.positional.description]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return [
    `usage: ugatit ${spec.name} ${spec.synopsis}`,
    "",
    spec.summary,
    ...(spec.details ?? []).flatMap((paragraph) => ["", paragraph]),
    "",
    "options:",
    ...rows.map(([label, text]) => `  ${label.padEnd(width)}${text}`),
    ...(spec.examples?.length ? ["", "examples:", ...spec.examples.map((e) => `  ${e}`)] : []),
    "",
  ].join("\n");
}
