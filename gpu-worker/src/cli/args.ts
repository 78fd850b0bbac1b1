import { type ParseArgsConfig, parseArgs } from "node:util";
import { TF_VERSIONS, type TfVersion } from "@ugatit/model/architecture";
import { UsageError } from "./usage-error.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** `util.parseArgs` in strict mode, its complaints turned into usage errors. */
export function parseCommandLine<T extends Options>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0] as string);
  }
}

export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === "") throw new UsageError(`--${flag} is required`);
  return value;
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of ${allowed.join(", ")}, got "${value}"`);
  }
  return value as T;
}

/** `--tf-version head|legacy`: the official TF code's version, instead of the one read off the checkpoint. */
export function tfVersionOption(value: string | undefined): TfVersion | undefined {
  return value === undefined ? undefined : oneOf(value, TF_VERSIONS, "tf-version");
}

export function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new UsageError(`--${flag} must be a positive integer, got "${value}"`);
  }
  return n;
}
