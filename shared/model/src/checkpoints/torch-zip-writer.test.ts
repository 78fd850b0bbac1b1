import { open } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fileSource } from "./byte-source.ts";
import { loadDiscriminator, loadGenerator } from "./load.ts";
import { PARITY, scratch } from "./testing.ts";
import { writeTorchCheckpoint } from "./torch-zip-writer.ts";
import { entryDataOffset, readZipDirectory } from "./zip.ts";

let dir: Awaited<ReturnType<typeof scratch>>;
beforeAll(async () => {
  dir = await scratch();
});
afterAll(() => dir.remove());

describe("writeTorchCheckpoint", () => {
  test.each([false, true])("the official layout reads back the same (zip64 %s)", async (zip64) => {
    const genA2B = (await loadGenerator(`${PARITY}full64.pt`, "A2B")).weights;
    const disLB = (await loadDiscriminator(`${PARITY}full64.pt`, "disLB")).weights;
    const path = dir.path(`out-${zip64}.pt`);
    await writeTorchCheckpoint(
      path,
      new Map([
        ["genA2B", genA2B],
        ["disLB", disLB],
      ]),
      { zip64 },
    );
    const back = await loadGenerator(path, "A2B");
    expect(back.config).toEqual({ ngf: 8, nBlocks: 4, light: false, imgSize: 64 });
    expect(back.weights).toEqual(genA2B);
    expect((await loadDiscriminator(path, "disLB")).weights).toEqual(disLB);

    // Every storage starts on a 64-byte boundary, as torch's writer lays them out.
    const fh = await open(path);
    try {
      const source = fileSource(fh, (await fh.stat()).size, "out.pt");
      const entries = await readZipDirectory(source, "out.pt");
      expect(entries.has(`out-${zip64}/data.pkl`)).toBe(true);
      for (const entry of entries.values()) {
        if (entry.name.includes("/data/"))
          expect((await entryDataOffset(source, entry, "out.pt")) % 64).toBe(0);
      }
    } finally {
      await fh.close();
    }
  });
});
