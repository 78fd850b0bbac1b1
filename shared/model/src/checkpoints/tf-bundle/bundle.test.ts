import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { openWeightFile } from "../open.ts";
import { TF_UGATIT } from "../testing.ts";

interface Case {
  checkpoint: { prefix: string; n_tensors: number; n_generator: number };
}

const isGenerator = (name: string) => /^generator_[AB]\//.test(name) && !/\/Adam(_1)?$/.test(name);

describe.each(["light64", "light64_legacy"])("the %s fixture", (name) => {
  const folder = join(TF_UGATIT, name);

  test("lists every tensor from the index and reads every one with its CRC-32C checked", async () => {
    const { checkpoint } = JSON.parse(await readFile(join(folder, "case.json"), "utf8")) as Case;
    const file = await openWeightFile(join(folder, checkpoint.prefix));
    try {
      expect(file.format).toBe("tf-bundle");
      expect(file.file).toBe(`${checkpoint.prefix}.index`);
      expect(file.tensors.size).toBe(checkpoint.n_tensors);
      expect([...file.tensors.keys()].filter(isGenerator)).toHaveLength(checkpoint.n_generator);
      const kernel = file.tensors.get("generator_B/conv/conv2d/kernel");
      expect(kernel).toEqual({
        name: "generator_B/conv/conv2d/kernel",
        shape: [7, 7, 3, 8],
        dtype: "float32",
        storedAs: "float32",
      });
      for (const info of file.tensors.values()) {
        const data = await file.read(info.name);
        expect(data.length).toBe(info.shape.reduce((n, d) => n * d, 1));
        expect(data.every(Number.isFinite)).toBe(true);
      }
    } finally {
      await file.close();
    }
  });
});
