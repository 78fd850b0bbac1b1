/**
 * Real TensorFlow-written checkpoints, read in place from `../shared/fixtures/tf-real` next to the
 * repository (or `$TF_REAL_FIXTURES`); their expected listings were derived independently by
 * test/fixtures/tf-real-listings/list_tf_real.py (Python standard library only).
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { openWeightFile } from "../open.ts";
import { expectCheckpointError } from "../testing.ts";
import { compareBytes, readTable } from "./table.ts";

const LISTINGS = fileURLToPath(new URL("../../../../../test/fixtures/tf-real-listings/", import.meta.url));
const TF_REAL =
  process.env.TF_REAL_FIXTURES ??
  fileURLToPath(new URL("../../../../../../shared/fixtures/tf-real/", import.meta.url));
const absent = !existsSync(TF_REAL);
if (absent) console.warn(`tf-real.test.ts: skipped, ${TF_REAL} is absent (set TF_REAL_FIXTURES to its path)`);

interface Listing {
  /** `<folder>/<file>` under tf-real. */
  source: string;
  tensors?: { name: string; dtype: string; shape: number[] }[];
  entries?: { key_hex: string; value_length: number }[];
}

const listings: Listing[] = [];
for (const name of (await readdir(LISTINGS)).filter((n) => n.endsWith(".json")).sort()) {
  listings.push(JSON.parse(await readFile(join(LISTINGS, name), "utf8")) as Listing);
}

describe.skipIf(absent)(`real TensorFlow checkpoints in ${TF_REAL}`, () => {
  test("every fixture file has an expected listing", async () => {
    const files = [];
    for (const folder of (await readdir(TF_REAL, { withFileTypes: true })).filter((d) => d.isDirectory())) {
      for (const name of await readdir(join(TF_REAL, folder.name))) {
        if (!name.endsWith(".txt") && !name.includes(".data-")) files.push(`${folder.name}/${name}`);
      }
    }
    expect(files.sort()).toEqual(listings.map((l) => l.source).sort());
  });

  test.each(listings)("$source lists exactly as derived", async (expected) => {
    const path = join(TF_REAL, expected.source);
    const file = basename(path);
    if (expected.entries) {
      // A V1 checkpoint: one table holding the data inline; its table layer must read, the bundle layer refuse it.
      const entries = readTable(await readFile(path), file);
      expect(
        entries.map((e) => ({ key_hex: Buffer.from(e.key).toString("hex"), value_length: e.value.length })),
      ).toEqual(expected.entries);
      await expectCheckpointError(openWeightFile(path), "not_a_checkpoint", file, /a V1 checkpoint/);
      return;
    }
    const weights = await openWeightFile(path);
    try {
      expect(weights.format).toBe("tf-bundle");
      const listed = [...weights.tensors.values()]
        .map((t) => ({ name: t.name, dtype: t.storedAs, shape: t.shape }))
        .sort((a, b) => compareBytes(Buffer.from(a.name), Buffer.from(b.name)));
      expect(listed).toEqual(expected.tensors);
      const hasData = existsSync(path.replace(/\.index$/, ".data-00000-of-00001"));
      for (const info of weights.tensors.values()) {
        if (info.dtype === "unsupported") continue;
        const read = weights.read(info.name);
        if (hasData) expect((await read).length).toBe(info.shape.reduce((n, d) => n * d, 1));
        else
          await expectCheckpointError(
            read,
            "missing_shard",
            file.replace(/\.index$/, ".data-00000-of-00001"),
          );
      }
    } finally {
      await weights.close();
    }
  });
});
