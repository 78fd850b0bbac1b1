import { describe, expect, it } from "vitest";
import { writeAllOrNone } from "./write-all-or-none.ts";

/** A store whose n-th put fails: the one fault a real S3 server cannot be made to produce on cue. */
function flakyStore(failOnPut: number) {
  const objects = new Map<string, Uint8Array>();
  let puts = 0;
  return {
    objects,
    async put(key: string, body: Uint8Array) {
      if (++puts === failOnPut) throw new Error("connection reset");
      objects.set(key, body);
    },
    async delete(key: string) {
      objects.delete(key);
    },
  };
}

describe("writeAllOrNone", () => {
  it("writes every output when storage holds up", async () => {
    const store = flakyStore(0);
    await writeAllOrNone(store, [
      ["a", new Uint8Array([1]), "image/png"],
      ["b", new Uint8Array([2]), "image/png"],
    ]);
    expect([...store.objects.keys()]).toEqual(["a", "b"]);
  });

  it("removes the image when the heatmap cannot be written", async () => {
    const store = flakyStore(2);
    await expect(
      writeAllOrNone(store, [
        ["image", new Uint8Array([1]), "image/png"],
        ["heatmap", new Uint8Array([2]), "image/png"],
      ]),
    ).rejects.toThrow("connection reset");
    expect(store.objects.size).toBe(0);
  });
});
