import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeAll, writeAtomically } from "./write-all.ts";

describe("writeAtomically", () => {
  it("replaces the file only once the whole content is written", async () => {
    const dir = await mkdtemp(join(tmpdir(), "atomic-"));
    const path = join(dir, "model.safetensors");
    await writeFile(path, "old");
    await writeAtomically(path, async (fh) => {
      await writeAll(fh, new TextEncoder().encode("new "));
      expect(await readFile(path, "utf8")).toBe("old");
      await writeAll(fh, new TextEncoder().encode("content"));
    });
    expect(await readFile(path, "utf8")).toBe("new content");
    expect(await readdir(dir)).toEqual(["model.safetensors"]);
  });

  it("keeps the old file and leaves no temporary when writing fails", async () => {
    const dir = await mkdtemp(join(tmpdir(), "atomic-"));
    const path = join(dir, "model.safetensors");
    await writeFile(path, "old");
    const failing = writeAtomically(path, async (fh) => {
      await writeAll(fh, new TextEncoder().encode("half"));
      throw new Error("disk full");
    });
    await expect(failing).rejects.toThrow("disk full");
    expect(await readFile(path, "utf8")).toBe("old");
    expect(await readdir(dir)).toEqual(["model.safetensors"]);
  });
});
