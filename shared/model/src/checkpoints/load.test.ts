import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { TorchWeights } from "../architecture/params.ts";
import { convertCheckpoint } from "./convert.ts";
import { loadDiscriminator, loadGenerator, readGenerator } from "./load.ts";
import { openWeightFile } from "./open.ts";
import { writeSafetensors } from "./safetensors.ts";
import { CHECKPOINTS, expectCheckpointError, PARITY, scratch } from "./testing.ts";
import { writeTorchCheckpoint } from "./torch-zip-writer.ts";

let dir: Awaited<ReturnType<typeof scratch>>;
let generator: TorchWeights;
let discriminator: TorchWeights;
beforeAll(async () => {
  dir = await scratch();
  generator = (await loadGenerator(`${PARITY}light64.pt`, "A2B")).weights;
  discriminator = (await loadDiscriminator(`${PARITY}light64.pt`, "disLA")).weights;
});
afterAll(() => dir.remove());

/** The light64 generator with one change, saved as a bare state_dict. */
async function variant(name: string, change: (weights: TorchWeights) => void): Promise<string> {
  const weights = new Map(generator);
  change(weights);
  await writeTorchCheckpoint(dir.path(name), weights);
  return dir.path(name);
}

describe("loadGenerator", () => {
  test("a bare state_dict serves either direction; safetensors and legacy files too", async () => {
    for (const file of ["genA2B_bare.pt", "genA2B_bare_legacy.pt"]) {
      const loaded = await loadGenerator(`${CHECKPOINTS}${file}`, "B2A");
      expect(loaded.config).toEqual({ ngf: 8, nBlocks: 4, light: true, imgSize: null });
      expect(loaded.weights).toEqual(generator);
    }
    await convertCheckpoint(`${PARITY}light64.pt`, dir.path("light64.safetensors"));
    const converted = await loadGenerator(dir.path("light64.safetensors"), "A2B");
    expect(converted.source).toBe("safetensors");
    expect(converted.weights).toEqual(generator);
  });

  test("one open file gives both directions, and says whether it is bare or marked untrained", async () => {
    const tensors = new Map(
      ["genA2B", "genB2A"].flatMap((net) =>
        [...generator].map(([name, t]) => [`${net}.${name}`, t] as const),
      ),
    );
    await writeSafetensors(dir.path("untrained.safetensors"), tensors, { untrained: "true" });
    const file = await openWeightFile(dir.path("untrained.safetensors"));
    try {
      const [a2b, b2a] = [await readGenerator(file, "A2B"), await readGenerator(file, "B2A")];
      expect([a2b.bare, a2b.untrained, b2a.bare, b2a.untrained]).toEqual([false, true, false, true]);
      expect(b2a.weights).toEqual(generator);
    } finally {
      await file.close();
    }
    const bare = await loadGenerator(`${CHECKPOINTS}genA2B_bare.pt`, "B2A");
    expect([bare.bare, bare.untrained]).toEqual([true, false]);
    const official = await loadGenerator(`${PARITY}light64.pt`, "B2A");
    expect([official.bare, official.untrained]).toEqual([false, false]);
  });

  test("a missing key is named, with its expected shape", async () => {
    const file = await variant("missing.pt", (w) => w.delete("UpBlock1_3.norm2.rho"));
    await expectCheckpointError(
      loadGenerator(file, "A2B"),
      "missing_key",
      "missing.pt",
      /^missing\.pt: missing key: UpBlock1_3\.norm2\.rho \[1, 32, 1, 1\] for ngf 8, 4 blocks, light$/,
    );
  });

  test("a missing key the config is read from", async () => {
    const file = await variant("no-fc.pt", (w) => w.delete("FC.0.weight"));
    await expectCheckpointError(
      loadGenerator(file, "A2B"),
      "missing_key",
      "no-fc.pt",
      /missing key: FC\.0\.weight$/,
    );
  });

  test("a wrong shape names the key, the actual and the expected shape", async () => {
    const file = await variant("wrong.pt", (w) => {
      const { data } = w.get("conv1x1.weight")!;
      w.set("conv1x1.weight", { shape: [32, 32, 2, 1], data });
    });
    await expectCheckpointError(
      loadGenerator(file, "A2B"),
      "wrong_shape",
      "wrong.pt",
      /wrong shape: conv1x1\.weight is \[32, 32, 2, 1\], expected \[32, 64, 1, 1\] for ngf 8, 4 blocks, light$/,
    );
  });

  test("an extra residual block in the decoder only is an unexpected key", async () => {
    const file = await variant("extra.pt", (w) =>
      w.set("UpBlock1_5.norm1.rho", w.get("UpBlock1_4.norm1.rho")!),
    );
    await expectCheckpointError(
      loadGenerator(file, "A2B"),
      "unexpected_key",
      "extra.pt",
      /UpBlock1_5\.norm1\.rho/,
    );
  });

  test("a discriminator passed as a generator", async () => {
    await writeTorchCheckpoint(dir.path("dis.pt"), discriminator);
    await expectCheckpointError(
      loadGenerator(dir.path("dis.pt"), "A2B"),
      "not_a_generator",
      "dis.pt",
      /^dis\.pt: this is a discriminator state_dict \(keys model\.1\.weight_orig, model\.1\.weight_u, model\.1\.weight_v, …\), not a generator$/,
    );
  });

  test("something else passed as a generator", async () => {
    await writeTorchCheckpoint(
      dir.path("other.pt"),
      new Map([["fc.weight", { shape: [2], data: new Float32Array(2) }]]),
    );
    await expectCheckpointError(
      loadGenerator(dir.path("other.pt"), "A2B"),
      "not_a_generator",
      "other.pt",
      /not a generator: no DownBlock\.1\.weight among its keys \(fc\.weight\)/,
    );
  });

  test("a checkpoint without the requested direction", async () => {
    await writeTorchCheckpoint(
      dir.path("one-way.pt"),
      new Map([
        ["genA2B", generator],
        ["disLA", discriminator],
      ]),
    );
    await expectCheckpointError(
      loadGenerator(dir.path("one-way.pt"), "B2A"),
      "missing_direction",
      "one-way.pt",
      /^one-way\.pt: missing direction: no genB2A in this checkpoint \(it has genA2B, disLA\)$/,
    );
    expect((await loadGenerator(dir.path("one-way.pt"), "A2B")).weights).toEqual(generator);
  });
});

describe("loadDiscriminator", () => {
  test("from the legacy format, and a network the file lacks", async () => {
    const legacy = await loadDiscriminator(`${CHECKPOINTS}light64_legacy.pt`, "disLA");
    expect(legacy.weights).toEqual(discriminator);
    await expectCheckpointError(
      loadDiscriminator(`${CHECKPOINTS}light64_legacy.pt`, "disGA"),
      "missing_network",
      "light64_legacy.pt",
      /no disGA in this checkpoint \(it has genA2B, genB2A, disLA, disLB\)/,
    );
  });

  test("a generator passed as a discriminator", async () => {
    await expectCheckpointError(
      loadDiscriminator(`${CHECKPOINTS}genA2B_bare.pt`, "disGA"),
      "not_a_discriminator",
      "genA2B_bare.pt",
      /this is a generator state_dict \(keys gap_fc\.weight, gmp_fc\.weight, conv1x1\.weight, …\), not a discriminator/,
    );
  });
});
