import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writePrivateFile } from "./private-file.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "private-file-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("writePrivateFile", () => {
  it("creates the file with mode 0600", async () => {
    const path = join(dir, "edge.env");
    await writePrivateFile(path, "A=1\n");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, "utf8")).toBe("A=1\n");
  });

  it("narrows a world-readable file left by an earlier run before writing the secret into it", async () => {
    const path = join(dir, "dev.json");
    await writeFile(path, "old", { mode: 0o644 });
    expect((await stat(path)).mode & 0o777).toBe(0o644);
    await writePrivateFile(path, "{}\n");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, "utf8")).toBe("{}\n");
  });
});
