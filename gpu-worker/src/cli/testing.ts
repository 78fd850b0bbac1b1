/** @module The `ugatit` CLI as the tests run it: a real process of bin/ugatit.js on this Node. */
import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../../bin/ugatit.js", import.meta.url));
const LIGHT64 = fileURLToPath(new URL("../../../test/fixtures/ugatit-parity/light64.pt", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function ugatit(...args: string[]): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** `ugatit` with `stdin` piped in and stdout kept as bytes. */
export function ugatitPiped(
  stdin: Uint8Array,
  ...args: string[]
): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.once("error", fail);
    child.once("close", (code) => done({ code: code ?? 1, stdout: Buffer.concat(out), stderr }));
    child.stdin.end(stdin);
  });
}

/** `ugatit translate` with the official light64 checkpoint's A2B generator at 64², and `args`. */
export function translateLight64(...args: string[]): Promise<CliResult> {
  return ugatit("translate", "--checkpoint", LIGHT64, "--direction", "A2B", "--size", "64", ...args);
}
