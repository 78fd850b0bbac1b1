import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BenchUsageError, parseBenchOptions } from "./bench-options.ts";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

describe("npm run bench's options", () => {
  it("default to every suite and model, batches 1 and 4 at 256²", () => {
    const o = parseBenchOptions([]);
    expect(o.suites).toEqual([
      "generator",
      "int8",
      "memory",
      "worker",
      "train",
      "edge",
      "framing",
      "cli",
      "chaos",
    ]);
    expect(o.models).toEqual(["light", "full"]);
    expect(o.batches).toEqual([1, 4]);
    expect(o.size).toBe(256);
    expect(o.backends).toBeUndefined();
  });

  it("take lists and numbers", () => {
    const o = parseBenchOptions([
      "--suites",
      "generator",
      "--backends",
      "onnx,pytorch",
      "--batches",
      "1",
      "--size",
      "96",
    ]);
    expect(o).toMatchObject({ suites: ["generator"], backends: ["onnx", "pytorch"], batches: [1], size: 96 });
  });

  it.each([
    [["--suites", "generator,gpu"], /--suites: unknown "gpu"/],
    [["--backends", "cuda"], /--backends: unknown "cuda"/],
    [["--models", ""], /--models: unknown/],
    [["--batches", "1,0"], /--batches must be a positive integer, got "0"/],
    [["--size", "big"], /--size must be a positive integer, got "big"/],
    [["--frobnicate"], /Unknown option '--frobnicate'/],
  ])("refuse %j with one line", (argv, message) => {
    expect(() => parseBenchOptions(argv)).toThrow(BenchUsageError);
    expect(() => parseBenchOptions(argv)).toThrow(message);
  });

  it("as a command: --help prints the usage, a mistake one line and exit code 2", async () => {
    const run = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
        execFile(process.execPath, ["--import", "tsx", MAIN, ...args], (error, stdout, stderr) =>
          done({ code: error ? Number(error.code) : 0, stdout, stderr }),
        ),
      );
    const help = await run("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run bench -- \[options\]/);
    const bad = await run("--suites", "nope");
    expect(bad.code).toBe(2);
    expect(bad.stderr.trimEnd().split("\n")).toEqual([
      'bench: --suites: unknown "nope" (known: generator, int8, memory, worker, train, edge, framing, cli, chaos) (npm run bench -- --help)',
    ]);
  });
});
