import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readTensors } from "../network.ts";
import { openWeightFile } from "../open.ts";
import { expectCheckpointError, scratch, TF_UGATIT } from "../testing.ts";
import { writeZip } from "../torch-zip-writer.ts";
import type { WeightFile } from "../weight-file.ts";

const PREFIX = "UGATIT.model-1000000";
const FIXTURE = join(TF_UGATIT, "light64");
const DATA = `${PREFIX}.data-00000-of-00001`;

let dir: Awaited<ReturnType<typeof scratch>>;
let reference: Map<string, Float32Array>;
beforeAll(async () => {
  dir = await scratch();
  const file = await openWeightFile(join(FIXTURE, PREFIX));
  reference = new Map();
  for (const name of file.tensors.keys()) reference.set(name, await file.read(name));
  await file.close();
});
afterAll(() => dir.remove());

const same = (a: Float32Array, b: Float32Array | undefined) =>
  b !== undefined &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/**
 * Lists 666 tensors and reads them all, each equal to the fixture read by its prefix; `reversed` reads
 * the last 24 backwards instead (each read then starts behind the one before).
 */
async function expectFixture(path: string, order: "file" | "reversed" = "file"): Promise<WeightFile> {
  const file = await openWeightFile(path);
  try {
    expect(file.format).toBe("tf-bundle");
    expect(file.tensors.size).toBe(666);
    const names = [...file.tensors.keys()];
    const wrong = [];
    for (const name of order === "file" ? names : names.slice(-24).reverse()) {
      if (!same(await file.read(name), reference.get(name))) wrong.push(name);
    }
    expect(wrong).toEqual([]);
  } finally {
    await file.close();
  }
  return file;
}

describe("a checkpoint on disk is found from", () => {
  test("its prefix, its .index, its data file and its folder", async () => {
    await expectFixture(join(FIXTURE, PREFIX));
    await expectFixture(join(FIXTURE, `${PREFIX}.index`));
    await expectFixture(join(FIXTURE, DATA));
    const file = await expectFixture(FIXTURE);
    expect(file.file).toBe(`${PREFIX}.index`);
  });

  test("a folder whose checkpoint file names the newest of several, by an absolute path from elsewhere", async () => {
    const folder = dir.path("run");
    await mkdir(folder);
    for (const step of ["500", "1000000"]) {
      for (const suffix of [".index", ".data-00000-of-00001"])
        await copyFile(join(FIXTURE, PREFIX + suffix), join(folder, `UGATIT.model-${step}${suffix}`));
    }
    await writeFile(
      join(folder, "checkpoint"),
      'model_checkpoint_path: "/content/drive/run/UGATIT.model-1000000"\nall_model_checkpoint_paths: "/content/drive/run/UGATIT.model-500"\n',
    );
    expect((await expectFixture(folder)).file).toBe("UGATIT.model-1000000.index");
  });

  test("a folder holding the checkpoint folder, as an extracted release does", async () => {
    const folder = dir.path("extracted");
    const inner = join(folder, "UGATIT_selfie2anime_lsgan_4resblock_6dis_1_1_10_10_1000_sn_smoothing");
    await mkdir(join(folder, "logs"), { recursive: true });
    await mkdir(inner);
    for (const name of ["checkpoint", `${PREFIX}.index`, DATA])
      await copyFile(join(FIXTURE, name), join(inner, name));
    expect((await expectFixture(folder)).file).toBe(`${PREFIX}.index`);
  });

  test("a folder with several checkpoints and no checkpoint file asks for one", async () => {
    const folder = dir.path("several");
    await mkdir(folder);
    for (const step of ["1", "2"])
      await copyFile(join(FIXTURE, `${PREFIX}.index`), join(folder, `m-${step}.index`));
    await expectCheckpointError(
      openWeightFile(folder),
      "not_a_checkpoint",
      "several",
      /several \(m-1\.index, m-2\.index\); name one$/,
    );
    await writeFile(join(folder, "checkpoint"), 'model_checkpoint_path: "m-3"\n');
    await expectCheckpointError(
      openWeightFile(folder),
      "unreadable",
      "several",
      /names m-3, but m-3\.index is not in the folder$/,
    );
  });
});

describe("a zip holding the checkpoint, read in place", () => {
  const members = async (folder: string): Promise<[string, Uint8Array][]> => [
    [`${folder}checkpoint`, await readFile(join(FIXTURE, "checkpoint"))],
    [`${folder}${PREFIX}.index`, await readFile(join(FIXTURE, `${PREFIX}.index`))],
    [`${folder}${DATA}`, await readFile(join(FIXTURE, DATA))],
  ];

  test.each([
    { zip64: false, deflate: false },
    { zip64: true, deflate: false },
    { zip64: false, deflate: true },
    { zip64: true, deflate: true },
  ])("zip64 $zip64, deflated $deflate, under a folder", async ({ zip64, deflate }) => {
    const path = dir.path(`release-${zip64}-${deflate}.zip`);
    await writeZip(
      path,
      await members("checkpoint/UGATIT_selfie2anime_lsgan_4resblock_6dis_1_1_10_10_1000_sn_smoothing/"),
      zip64,
      deflate,
    );
    const file = await expectFixture(path);
    expect(file.file).toBe(`release-${zip64}-${deflate}.zip:${PREFIX}.index`);
    // Reading backwards makes a deflated member inflate again from its start for every tensor.
    if (deflate) await expectFixture(path, "reversed");
  });

  test("readTensors takes names in any order and reads a deflated member in one forward pass", async () => {
    const path = dir.path("deflated.zip");
    await writeZip(path, await members(""), false, true);
    const file = await openWeightFile(path);
    try {
      const names = [...file.tensors.keys()].filter((name) => name.startsWith("generator_B/")).reverse();
      const data = await readTensors(file, names);
      expect([...data.keys()].sort()).toEqual([...names].sort());
      expect(names.filter((name) => !same(data.get(name)!, reference.get(name)))).toEqual([]);
      // Reads that overlap in time take turns on the one inflater.
      const all = [...file.tensors.keys()];
      const together = await Promise.all(all.map((name) => file.read(name)));
      expect(all.filter((name, i) => !same(together[i]!, reference.get(name)))).toEqual([]);
    } finally {
      await file.close();
    }
  });

  test("several checkpoints in one zip: the one its checkpoint file names", async () => {
    const path = dir.path("two.zip");
    const records = await members("run/");
    const [, index, data] = records;
    await writeZip(
      path,
      [["run/old.index", index![1]], ["run/old.data-00000-of-00001", data![1]], ...records],
      true,
    );
    expect((await expectFixture(path)).file).toBe(`two.zip:${PREFIX}.index`);
  });

  test("a zip without the data member lists, and fails only when a tensor is read", async () => {
    const path = dir.path("index-only.zip");
    await writeZip(path, (await members("")).slice(0, 2), false, true);
    const file = await openWeightFile(path);
    try {
      expect(file.tensors.size).toBe(666);
      await expectCheckpointError(
        file.read("generator_B/conv/conv2d/kernel"),
        "missing_shard",
        `index-only.zip:${DATA}`,
        /holding generator_B\/conv\/conv2d\/kernel/,
      );
    } finally {
      await file.close();
    }
  });
});
