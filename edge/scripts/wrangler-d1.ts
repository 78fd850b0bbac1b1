/** @module Runs a statement on the edge's D1 database through `wrangler d1 execute`, local or deployed. */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { inlineStatement, type Statement } from "../src/keys/key-statements.ts";

const run = promisify(execFile);
const require = createRequire(import.meta.url);

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const WRANGLER_BIN = join(dirname(require.resolve("wrangler/package.json")), "bin/wrangler.js");

/** Which D1: the local one of `wrangler dev --local` (optionally in `persistTo`), or the deployed one. */
export interface D1Target {
  remote?: boolean;
  /** Local only: the directory `wrangler dev --persist-to` uses (default: wrangler's own, .wrangler/state). */
  persistTo?: string;
  /** The database_name in wrangler.toml. */
  database?: string;
  /** Another Wrangler configuration than the repository's wrangler.toml. */
  configPath?: string;
}

export const DEFAULT_DATABASE = "ugatit";

/** Arguments that select the target, for any `wrangler d1` command. */
export function targetArgs(target: D1Target): string[] {
  return [
    "--config",
    target.configPath ?? join(REPO_ROOT, "wrangler.toml"),
    ...(target.remote
      ? ["--remote"]
      : ["--local", ...(target.persistTo ? ["--persist-to", target.persistTo] : [])]),
  ];
}

/**
 * The rows the statements return; several run in one `wrangler` call.
 *
 * @example
 * const rows = await executeD1(keyStatements.list(), { persistTo: ".local/wrangler" });
 */
export async function executeD1(
  statements: Statement | Statement[],
  target: D1Target = {},
): Promise<Record<string, unknown>[]> {
  const sql = [statements].flat().map(inlineStatement).join(";\n");
  const stdout = await wrangler([
    "d1",
    "execute",
    target.database ?? DEFAULT_DATABASE,
    ...targetArgs(target),
    "--json",
    "--command",
    sql,
  ]);
  const results = JSON.parse(stdout) as { results: Record<string, unknown>[] }[];
  return results.flatMap((r) => r.results);
}

/** Applies edge/migrations (wrangler.toml's migrations_dir) to the target database. */
export async function applyMigrations(target: D1Target = {}): Promise<void> {
  await wrangler(["d1", "migrations", "apply", target.database ?? DEFAULT_DATABASE, ...targetArgs(target)]);
}

async function wrangler(args: string[]): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, [WRANGLER_BIN, ...args], {
      cwd: REPO_ROOT,
      maxBuffer: 16 << 20,
      env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
    });
    return stdout;
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    const said = `${stderr ?? ""}\n${stdout ?? ""}`
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("⛅") && !l.startsWith("─"));
    throw new Error(
      `wrangler ${args.slice(0, 2).join(" ")} failed: ${said.slice(-3).join(" ") || String(error)}`,
    );
  }
}
