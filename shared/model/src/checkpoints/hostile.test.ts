import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { longPickle, zeroBomb, zipWithPickle } from "./hostile-files.ts";
import { scratch } from "./testing.ts";
import { PICKLE_LIMITS, PickleError, unpickle } from "./unpickler.ts";

let dir: Awaited<ReturnType<typeof scratch>>;
beforeAll(async () => {
  dir = await scratch();
  await writeFile(dir.path("probe.mjs"), PROBE);
});
afterAll(() => dir.remove());

// Runs in a fresh process so its peak RSS is the reader's alone.
const PROBE = `
import { openWeightFile } from ${JSON.stringify(new URL("./open.ts", import.meta.url).href)};
let outcome;
try {
  const file = await openWeightFile(process.argv[2]);
  await file.close();
  outcome = { opened: true };
} catch (error) {
  outcome = { name: error.name, code: error.code, message: error.message };
}
console.log(JSON.stringify({ ...outcome, peak: process.resourceUsage().maxRSS * 1024 }));
`;

const MB = 1 << 20;
/** The whole process, Node included, while it refuses the file. */
const PEAK_LIMIT = 300 * MB;

async function refuse(name: string, bytes: Uint8Array) {
  const path = dir.path(name);
  await writeFile(path, bytes);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--experimental-strip-types", "--no-warnings", dir.path("probe.mjs"), path],
    // A guard against a hang only: a refusal takes well under a second.
    { timeout: 30_000 },
  );
  return JSON.parse(stdout) as { name?: string; code?: string; message?: string; peak: number };
}

describe("hostile weight files are refused in one line, in bounded memory", () => {
  test("a 900 kB pickle holding one LONG4 integer", async () => {
    const result = await refuse("long.pt", longPickle(900_000));
    expect(result).toMatchObject({ name: "CheckpointError", code: "not_a_checkpoint" });
    expect(result.message).toMatch(/^long\.pt: .*integer of 900000 bytes.*over the 64-byte limit/);
    expect(result.message).not.toMatch(/\n/);
    expect(result.peak).toBeLessThan(PEAK_LIMIT);
  });

  test("a torch zip whose data.pkl inflates to 2 GiB and says so", async () => {
    const result = await refuse("bomb.pt", zipWithPickle(zeroBomb(2048), 2 ** 31));
    expect(result).toMatchObject({ name: "CheckpointError", code: "corrupt" });
    expect(result.message).toMatch(/^bomb\.pt: .*data\.pkl declares 2147483648 bytes, over the/);
    expect(result.peak).toBeLessThan(PEAK_LIMIT);
  });

  test("a torch zip whose data.pkl inflates to 2 GiB but declares less", async () => {
    for (const declared of [1000, PICKLE_LIMITS.maxBytes]) {
      const result = await refuse("liar.pt", zipWithPickle(zeroBomb(2048), declared));
      expect(result).toMatchObject({ name: "CheckpointError", code: "corrupt" });
      expect(result.message).toMatch(
        new RegExp(`^liar\\.pt: .*data\\.pkl inflates to more than the ${declared} bytes it declares`),
      );
      expect(result.peak).toBeLessThan(PEAK_LIMIT);
    }
  });

  test("a zip entry declaring more than deflate can expand to", async () => {
    const result = await refuse("ratio.pt", zipWithPickle(zeroBomb(1), 2 ** 31));
    expect(result.message).toMatch(/more than deflate expands/);
  });
});

describe("pickle limits", () => {
  test("integers up to the limit read; past it, a PickleError", () => {
    const at = (bytes: number) => unpickle(longPickle(bytes), 2).value;
    expect(at(PICKLE_LIMITS.maxLongBytes)).toBe(BigInt(`0x${"7f".repeat(PICKLE_LIMITS.maxLongBytes)}`));
    expect(at(1)).toBe(0x7f);
    expect(() => at(PICKLE_LIMITS.maxLongBytes + 1)).toThrow(PickleError);
  });

  test("deep MARK nesting, memo indexes past the limit and a flood of values", () => {
    const marks = new Uint8Array(PICKLE_LIMITS.maxMarks + 2).fill(0x28);
    expect(() => unpickle(marks, 0)).toThrow(/nests over/);
    const put = Uint8Array.from([0x4e, 0x72, 0xff, 0xff, 0xff, 0x7f, 0x2e]); // NONE, LONG_BINPUT 2^31-1
    expect(() => unpickle(put, 0)).toThrow(/memo index 2147483647/);
    const values = new Uint8Array(PICKLE_LIMITS.maxValues + 1).fill(0x4e);
    expect(() => unpickle(values, 0)).toThrow(/over 4000000 values/);
  });

  test("a list that holds itself is described without running out of stack", async () => {
    const magic = [
      0x8a,
      10,
      ...[...Array(10)].map((_, i) => Number((0x1950a86a20f9469cfc6cn >> BigInt(8 * i)) & 0xffn)),
      0x2e,
    ];
    const protocol = [0x4d, 0xe9, 0x03, 0x2e]; // BININT2 1001
    const sysInfo = [0x7d, 0x2e];
    const cycle = [0x5d, 0x32, 0x61, 0x2e]; // EMPTY_LIST, DUP, APPEND: the list holds itself
    const result = await refuse(
      "cycle.pt",
      Uint8Array.from([0x80, 0x02, ...magic, ...protocol, ...sysInfo, ...cycle, 0x5d, 0x2e]),
    );
    expect(result.message).toMatch(
      /^cycle\.pt: not a checkpoint: the pickle holds no tensors \(\(\(\(\(…\)\)\)\)\)$/,
    );
    expect(result).toMatchObject({ name: "CheckpointError", code: "not_a_checkpoint" });
  });
});
