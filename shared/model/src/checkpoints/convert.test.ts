import { readFile, stat } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { convertCheckpoint } from "./convert.ts";
import { loadGenerator } from "./load.ts";
import { openWeightFile } from "./open.ts";
import { type SafetensorsTensor, writeSafetensors } from "./safetensors.ts";
import { CHECKPOINTS, expectCheckpointError, PARITY, scratch } from "./testing.ts";
import { modelDomains, UGATIT_METADATA_KEY } from "./ugatit-metadata.ts";

let dir: Awaited<ReturnType<typeof scratch>>;
beforeAll(async () => {
  dir = await scratch();
});
afterAll(() => dir.remove());

describe("convertCheckpoint", () => {
  test("both generators of an official checkpoint, fp32: the same weights, config in the metadata", async () => {
    const out = dir.path("light64.safetensors");
    const result = await convertCheckpoint(`${PARITY}light64.pt`, out);
    expect(result).toEqual({
      config: { ngf: 8, nBlocks: 4, light: true, imgSize: null },
      directions: ["A2B", "B2A"],
      source: "torch-zip",
    });
    const file = await openWeightFile(out);
    try {
      expect(JSON.parse(file.metadata.ugatit!)).toEqual({
        ngf: 8,
        n_blocks: 4,
        light: true,
        img_size: null,
        directions: ["A2B", "B2A"],
        tf_version: null,
        image_processing: "pytorch",
      });
      expect(file.tensors.size).toBe(88);
      expect(file.tensors.get("genB2A.DownBlock.1.weight")?.shape).toEqual([8, 3, 7, 7]);
    } finally {
      await file.close();
    }
    for (const direction of ["A2B", "B2A"] as const) {
      expect((await loadGenerator(out, direction)).weights).toEqual(
        (await loadGenerator(`${PARITY}light64.pt`, direction)).weights,
      );
    }
  });

  test("one direction of a full checkpoint in fp16", async () => {
    const out = dir.path("full64-b2a.safetensors");
    await convertCheckpoint(`${PARITY}full64.pt`, out, { directions: ["B2A"], fp16: true });
    const original = await loadGenerator(`${PARITY}full64.pt`, "B2A");
    const converted = await loadGenerator(out, "B2A");
    expect(converted.config).toEqual({ ngf: 8, nBlocks: 4, light: false, imgSize: 64 });
    const params = [...original.weights.values()].reduce((n, t) => n + t.data.length, 0);
    expect((await stat(out)).size).toBeLessThan(params * 2 + 16384);
    for (const [name, { data }] of original.weights) {
      const half = converted.weights.get(name)!.data;
      let worst = 0;
      for (let i = 0; i < data.length; i++)
        worst = Math.max(worst, Math.abs(half[i]! - data[i]!) - Math.abs(data[i]!) * 2 ** -11);
      expect({ name, worst: worst <= 2 ** -25 }).toEqual({ name, worst: true });
    }
    await expectCheckpointError(
      loadGenerator(out, "A2B"),
      "missing_direction",
      "full64-b2a.safetensors",
      /no genA2B/,
    );
  });

  test("a legacy checkpoint converts to the same file as its zip twin", async () => {
    await convertCheckpoint(`${CHECKPOINTS}light64_legacy.pt`, dir.path("from-legacy.safetensors"));
    await convertCheckpoint(`${PARITY}light64.pt`, dir.path("from-zip.safetensors"));
    const [legacy, zip] = await Promise.all([
      readFile(dir.path("from-legacy.safetensors")),
      readFile(dir.path("from-zip.safetensors")),
    ]);
    expect(legacy.equals(zip)).toBe(true);
  });

  test("a bare state_dict needs its one direction named", async () => {
    const bare = `${CHECKPOINTS}genA2B_bare.pt`;
    await expectCheckpointError(
      convertCheckpoint(bare, dir.path("bare.safetensors")),
      "missing_direction",
      "genA2B_bare.pt",
      /a bare generator state_dict has no direction; name it in options\.directions/,
    );
    await expectCheckpointError(
      convertCheckpoint(bare, dir.path("bare.safetensors"), { directions: ["A2B", "B2A"] }),
      "missing_direction",
      "genA2B_bare.pt",
      /is one generator, not A2B and B2A/,
    );
    await convertCheckpoint(bare, dir.path("bare.safetensors"), { directions: ["B2A"] });
    expect((await loadGenerator(dir.path("bare.safetensors"), "B2A")).weights).toEqual(
      (await loadGenerator(bare, "A2B")).weights,
    );
  });

  test("keeps the domain names the source carries; names that are not { A, B } are refused", async () => {
    const { config, weights } = await loadGenerator(`${PARITY}light64.pt`, "A2B");
    const tensors = new Map<string, SafetensorsTensor>();
    for (const [key, t] of weights) tensors.set(`genA2B.${key}`, t);
    const named = async (name: string, domains: unknown) => {
      const path = dir.path(name);
      const ugatit = {
        ngf: config.ngf,
        n_blocks: config.nBlocks,
        light: true,
        img_size: null,
        directions: ["A2B"],
        domains,
      };
      await writeSafetensors(path, tensors, { [UGATIT_METADATA_KEY]: JSON.stringify(ugatit) });
      return path;
    };
    const domains = { A: "colour emoji", B: "line-art emoji" };
    const out = dir.path("named-out.safetensors");
    await convertCheckpoint(await named("named.safetensors", domains), out, { fp16: true });
    const file = await openWeightFile(out);
    try {
      expect(modelDomains(file)).toEqual(domains);
    } finally {
      await file.close();
    }
    await expectCheckpointError(
      convertCheckpoint(await named("half.safetensors", { A: "colour emoji" }), dir.path("x.safetensors")),
      "corrupt",
      "half.safetensors",
      /__metadata__\.ugatit\.domains is not \{ "A": name, "B": name \}/,
    );
    // a PyTorch checkpoint names no domains: the converted file names none either
    await convertCheckpoint(`${PARITY}light64.pt`, dir.path("plain.safetensors"));
    const plain = await openWeightFile(dir.path("plain.safetensors"));
    try {
      expect(modelDomains(plain)).toBeNull();
    } finally {
      await plain.close();
    }
  });
});
