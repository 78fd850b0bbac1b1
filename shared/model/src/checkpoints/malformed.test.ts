import { mkdir, readFile, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readEveryTensor } from "../../../../test/helpers/read-every-tensor.ts";
import { CheckpointError } from "./errors.ts";
import { loadGenerator } from "./load.ts";
import { openWeightFile } from "./open.ts";
import { CHECKPOINTS, expectCheckpointError, PARITY, scratch } from "./testing.ts";
import { writeZip } from "./torch-zip-writer.ts";
import { unpickle } from "./unpickler.ts";

let dir: Awaited<ReturnType<typeof scratch>>;
let zip: Uint8Array;
let legacy: Uint8Array;
beforeAll(async () => {
  dir = await scratch();
  zip = await readFile(`${PARITY}light64.pt`);
  legacy = await readFile(`${CHECKPOINTS}genA2B_bare_legacy.pt`);
});
afterAll(() => dir.remove());

async function file(name: string, bytes: Uint8Array | string): Promise<string> {
  await writeFile(dir.path(name), bytes);
  return dir.path(name);
}

/** A deterministic byte stream (xorshift), so failures reproduce. */
function noise(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

describe("not a checkpoint", () => {
  test("random bytes", async () => {
    const bytes = noise(4096, 7);
    bytes[0] = 0x13;
    await expectCheckpointError(
      readEveryTensor(await file("noise.bin", bytes)),
      "not_a_checkpoint",
      "noise.bin",
      /not a checkpoint: starts with 13 [0-9a-f ]+, not a zip archive, a pickle, safetensors or a TensorFlow checkpoint$/,
    );
    bytes[0] = 0x80; // looks like a pickle
    await expectCheckpointError(
      readEveryTensor(await file("noise.pkl", bytes)),
      "not_a_checkpoint",
      "noise.pkl",
    );
  });

  test("an empty file, a text file, a pickle that is not torch's, a zip that is not torch's", async () => {
    await expectCheckpointError(
      readEveryTensor(await file("empty.pt", "")),
      "not_a_checkpoint",
      "empty.pt",
      /the file is empty/,
    );
    await expectCheckpointError(
      readEveryTensor(await file("notes.txt", "hello\n")),
      "not_a_checkpoint",
      "notes.txt",
    );
    // pickle.dumps({'a': 1}, protocol=2)
    const pickle = Uint8Array.from([
      0x80, 2, 0x7d, 0x71, 0, 0x58, 1, 0, 0, 0, 0x61, 0x71, 1, 0x4b, 1, 0x73, 0x2e,
    ]);
    await expectCheckpointError(
      readEveryTensor(await file("dict.pkl", pickle)),
      "not_a_checkpoint",
      "dict.pkl",
      /a pickle, but without the PyTorch magic number/,
    );
    await writeZip(dir.path("docs.zip"), [["docs/readme.txt", new TextEncoder().encode("hi")]], false);
    await expectCheckpointError(
      readEveryTensor(dir.path("docs.zip")),
      "not_a_checkpoint",
      "docs.zip",
      /without <name>\/data\.pkl/,
    );
  });

  test("a missing file and a folder that holds no checkpoint", async () => {
    await expectCheckpointError(readEveryTensor(dir.path("nope.pt")), "unreadable", "nope.pt", /ENOENT/);
    await mkdir(dir.path("folder.pt"));
    await expectCheckpointError(
      readEveryTensor(dir.path("folder.pt")),
      "not_a_checkpoint",
      "folder.pt",
      /a folder without a checkpoint file, with no \.index file$/,
    );
  });
});

describe("truncated", () => {
  test("a zip checkpoint cut anywhere", async () => {
    for (const cut of [40, 5000, zip.length >> 1, zip.length - 23, zip.length - 1]) {
      await expectCheckpointError(
        readEveryTensor(await file("light64.pt", zip.subarray(0, cut))),
        "truncated",
        "light64.pt",
        new RegExp(`truncated: zip end-of-central-directory record not found \\(file ends at ${cut}\\)`),
      );
    }
  });

  test("a legacy checkpoint cut in its pickles or its storages", async () => {
    for (const cut of [30, 300, 3000, legacy.length >> 1, legacy.length - 1]) {
      await expectCheckpointError(
        readEveryTensor(await file("legacy.pt", legacy.subarray(0, cut))),
        "truncated",
        "legacy.pt",
      );
    }
    await expectCheckpointError(
      loadGenerator(await file("legacy.pt", legacy.subarray(0, legacy.length - 1)), "A2B"),
      "truncated",
      "legacy.pt",
      new RegExp(
        `^legacy\\.pt: truncated: storage \\d+ needs \\d+ bytes at offset \\d+, file ends at ${legacy.length - 1}$`,
      ),
    );
    // Before the magic number is complete the file cannot be told from any other pickle.
    await expectCheckpointError(
      readEveryTensor(await file("legacy.pt", legacy.subarray(0, 8))),
      "not_a_checkpoint",
      "legacy.pt",
    );
  });

  test("a safetensors file cut in its header or its data", async () => {
    const bytes = await readFile(`${CHECKPOINTS}external.safetensors`);
    await expectCheckpointError(
      readEveryTensor(await file("cut.safetensors", bytes.subarray(0, 100))),
      "truncated",
      "cut.safetensors",
      /safetensors header needs \d+ bytes at offset 8, file ends at 100/,
    );
    await expectCheckpointError(
      readEveryTensor(await file("cut.safetensors", bytes.subarray(0, bytes.length - 1))),
      "truncated",
      "cut.safetensors",
      /needs \d+ bytes at offset \d+, file ends at/,
    );
  });
});

describe("corrupt or unsupported structures", () => {
  /** Sets the compression method of a central directory entry. */
  function withMethod(bytes: Uint8Array, entry: string, method: number): Uint8Array {
    const copy = Uint8Array.from(bytes);
    const view = new DataView(copy.buffer);
    for (let at = 0; at + 46 < copy.length; at++) {
      if (view.getUint32(at, true) !== 0x02014b50) continue;
      const name = new TextDecoder().decode(copy.subarray(at + 46, at + 46 + view.getUint16(at + 28, true)));
      if (name === entry) {
        view.setUint16(at + 10, method, true);
        return copy;
      }
    }
    throw new Error(`no entry ${entry}`);
  }

  test("zip entries compressed with a method other than deflate", async () => {
    await expectCheckpointError(
      readEveryTensor(await file("bzip.pt", withMethod(zip, "light64/data.pkl", 12))),
      "compressed",
      "bzip.pt",
      /compressed: zip entry light64\/data\.pkl uses compression method 12; only stored and deflated entries can be read/,
    );
    const weights = await openWeightFile(await file("bzip.pt", withMethod(zip, "light64/data/0", 12)));
    try {
      await expectCheckpointError(
        weights.read("genA2B.gap_fc.weight"),
        "compressed",
        "bzip.pt",
        /light64\/data\/0/,
      );
    } finally {
      await weights.close();
    }
  });

  test("a legacy storage header that contradicts the pickle", async () => {
    const bytes = Uint8Array.from(legacy);
    // Walk the five pickles (magic, protocol, sys_info, state_dict, keys): the first storage's count follows.
    let end = 0;
    for (let i = 0; i < 5; i++) end = unpickle(bytes, end, { persistentLoad: () => null }).end;
    new DataView(bytes.buffer).setUint32(end, 12345, true);
    await expectCheckpointError(
      readEveryTensor(await file("bad-count.pt", bytes)),
      "corrupt",
      "bad-count.pt",
      /holds 12345 elements, the pickle says/,
    );
  });

  test("a safetensors header that is not JSON", async () => {
    const bytes = Uint8Array.from(await readFile(`${CHECKPOINTS}external.safetensors`));
    bytes[9] = 0x7b; // "{{" opens the header
    await expectCheckpointError(
      readEveryTensor(await file("bad.safetensors", bytes)),
      "corrupt",
      "bad.safetensors",
      /the header is not valid JSON/,
    );
  });

  test.each([
    ["zip", "genA2B_bare.pt"],
    ["deflated zip", "genA2B_deflated.pt"],
    ["legacy", "genA2B_bare_legacy.pt"],
    ["safetensors", "external.safetensors"],
  ])("flipped bytes in a %s file fail as CheckpointErrors, never as anything else", async (_, name) => {
    const original = await readFile(`${CHECKPOINTS}${name}`);
    // Damage concentrated where the structure is: the first and last few KB.
    const structure = Math.min(original.length, 6000);
    for (let seed = 1; seed <= 60; seed++) {
      const bytes = Uint8Array.from(original);
      const [a = 0, b = 0, c = 0, d = 0] = noise(4, seed * 7919);
      const at =
        (((a << 8) | b) % structure) + (seed % 2 === 0 ? 0 : Math.max(0, original.length - structure));
      bytes[at] = c ^ (d | 1);
      try {
        await readEveryTensor(await file(`damaged-${name}`, bytes));
      } catch (error) {
        if (!(error instanceof CheckpointError))
          throw new Error(`seed ${seed}, byte ${at}: ${String(error)}`);
        expect(error.message).not.toMatch(/[\r\n]/);
      }
    }
  });
});
