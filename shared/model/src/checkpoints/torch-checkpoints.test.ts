import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { loadDiscriminator, loadGenerator } from "./load.ts";
import { openWeightFile } from "./open.ts";
import {
  CHECKPOINTS,
  expectCheckpointError,
  PARITY,
  type ReferenceTensor,
  reference,
  sha256,
} from "./testing.ts";
import type { WeightFile } from "./weight-file.ts";

let expected: Record<string, Record<string, ReferenceTensor>>;
beforeAll(async () => {
  expected = await reference();
});

/** The official checkpoints sit with the parity fixtures, the generated ones in checkpoints/. */
const path = (file: string) => join(["light64.pt", "full64.pt"].includes(file) ? PARITY : CHECKPOINTS, file);

async function withFile<T>(file: string, use: (weights: WeightFile) => Promise<T>): Promise<T> {
  const weights = await openWeightFile(path(file));
  try {
    return await use(weights);
  } finally {
    await weights.close();
  }
}

describe("every tensor matches what torch read", () => {
  test.each([
    ["light64.pt", "torch-zip"],
    ["full64.pt", "torch-zip"],
    ["light64_legacy.pt", "torch-legacy"],
    ["genA2B_bare.pt", "torch-zip"],
    ["genA2B_bare_legacy.pt", "torch-legacy"],
    ["genA2B_deflated.pt", "torch-zip"],
    ["half_bf16.pt", "torch-zip"],
    ["mixed.pt", "torch-zip"],
    ["mixed_legacy.pt", "torch-legacy"],
    ["views.pt", "torch-zip"],
    ["views_legacy.pt", "torch-legacy"],
    ["external.safetensors", "safetensors"],
  ])("%s (%s)", async (file, format) => {
    const want = expected[file]!;
    const weights = await openWeightFile(path(file));
    try {
      expect(weights.format).toBe(format);
      const readable = [...weights.tensors.values()].filter((t) => t.dtype !== "unsupported");
      expect(readable.map((t) => t.name).sort()).toEqual(Object.keys(want).sort());
      for (const info of readable) {
        const ref = want[info.name]!;
        expect({ name: info.name, shape: info.shape, dtype: info.dtype }).toEqual({
          name: info.name,
          shape: ref.shape,
          dtype: ref.dtype,
        });
        const data = await weights.read(info.name);
        expect(data.length).toBe(ref.shape.reduce((n, d) => n * d, 1));
        expect({ name: info.name, sha256: sha256(data) }).toEqual({ name: info.name, sha256: ref.sha256 });
      }
    } finally {
      await weights.close();
    }
  });
});

describe("the official checkpoints", () => {
  test("light64: values torch printed", async () => {
    await withFile("light64.pt", async (w) => {
      expect(w.tensors.size).toBe(212);
      const fc = await w.read("genA2B.FC.0.weight");
      expect(w.tensors.get("genA2B.FC.0.weight")?.shape).toEqual([32, 32]);
      expect(sum(fc)).toBeCloseTo(2.9038194187378394, 4);
      expect([...fc.subarray(0, 3)]).toEqual([
        0.04934380203485489, 0.031756091862916946, 0.002637781435623765,
      ]);
      const stem = await w.read("genB2A.DownBlock.1.weight");
      expect(sum(stem)).toBeCloseTo(-1.5442227194371299, 4);
      expect([...stem.subarray(0, 3)]).toEqual([
        0.042946089059114456, 0.044045235961675644, -0.06707343459129333,
      ]);
      expect([...(await w.read("genA2B.UpBlock2.8.rho"))].slice(0, 3)).toEqual([
        0.5361782312393188, 0.5317396521568298, 0.4645305871963501,
      ]);
      expect([...(await w.read("disLA.model.1.weight_orig"))].slice(0, 3)).toEqual([
        0.08172030001878738, -0.056542929261922836, 0.008741683326661587,
      ]);
    });
  });

  test("full64: values torch printed", async () => {
    const w = await openWeightFile(path("full64.pt"));
    try {
      expect(w.tensors.get("genA2B.FC.0.weight")?.shape).toEqual([32, 8192]);
      const fc = await w.read("genA2B.FC.0.weight");
      expect(sum(fc)).toBeCloseTo(-0.3710280312220391, 4);
      expect([...fc.subarray(0, 3)]).toEqual([
        0.009199489839375019, 0.006491341628134251, 0.0004099716024938971,
      ]);
      expect(sum(await w.read("genA2B.UpBlock2.8.rho"))).toBeCloseTo(4.395175874233246, 5);
      expect([...(await w.read("disLA.model.1.weight_orig"))].slice(0, 3)).toEqual([
        -0.09484374523162842, -0.11856783181428909, -0.09583405405282974,
      ]);
    } finally {
      await w.close();
    }
  });

  test("configs inferred from the shapes", async () => {
    const light = await loadGenerator(path("light64.pt"), "A2B");
    expect(light.config).toEqual({ ngf: 8, nBlocks: 4, light: true, imgSize: null });
    expect(light.weights.size).toBe(44);
    expect(light.source).toBe("torch-zip");
    const full = await loadGenerator(path("full64.pt"), "B2A");
    expect(full.config).toEqual({ ngf: 8, nBlocks: 4, light: false, imgSize: 64 });
    expect(full.weights.get("FC.0.weight")?.shape).toEqual([32, 8192]);
    expect((await loadDiscriminator(path("full64.pt"), "disGB")).config).toEqual({ ndf: 8, nLayers: 7 });
    expect((await loadDiscriminator(path("light64.pt"), "disLB")).config).toEqual({ ndf: 8, nLayers: 5 });
  });
});

describe("legacy and zip checkpoints hold bit-identical tensors", () => {
  test.each([
    ["light64.pt", "light64_legacy.pt"],
    ["genA2B_bare.pt", "genA2B_bare_legacy.pt"],
    ["genA2B_bare.pt", "genA2B_deflated.pt"],
    ["mixed.pt", "mixed_legacy.pt"],
    ["views.pt", "views_legacy.pt"],
  ])("%s = %s", async (zip, legacy) => {
    await withFile(zip, (a) =>
      withFile(legacy, async (b) => {
        for (const name of b.tensors.keys()) {
          expect(a.tensors.get(name)).toEqual(b.tensors.get(name));
          expect(await a.read(name)).toEqual(await b.read(name));
        }
      }),
    );
  });

  test("loadGenerator gives the same weights from either format", async () => {
    const zip = await loadGenerator(path("light64.pt"), "B2A");
    const legacy = await loadGenerator(path("light64_legacy.pt"), "B2A");
    expect(legacy.source).toBe("torch-legacy");
    expect(legacy.config).toEqual(zip.config);
    expect(legacy.weights).toEqual(zip.weights);
  });
});

describe("dtypes and views", () => {
  test("fp16, bf16 and fp64 tensors are listed as such and read as float32", async () => {
    await withFile("half_bf16.pt", async (w) => {
      expect(w.tensors.get("genA2B.FC.0.weight")).toMatchObject({
        dtype: "float16",
        storedAs: "torch.HalfStorage",
      });
      expect(w.tensors.get("genB2A.FC.0.weight")).toMatchObject({
        dtype: "bfloat16",
        storedAs: "torch.BFloat16Storage",
      });
    });
    await withFile("mixed_legacy.pt", async (w) => {
      expect(w.tensors.get("conv1x1.weight")?.dtype).toBe("float64");
      expect(w.tensors.get("FC.0.weight")?.dtype).toBe("float16");
      const full = await loadGenerator(path("genA2B_bare.pt"), "A2B");
      const mixed = await loadGenerator(path("mixed_legacy.pt"), "A2B");
      // fp64 values that were float32 to begin with come back exactly; fp16 ones within half precision.
      expect(mixed.weights.get("conv1x1.weight")).toEqual(full.weights.get("conv1x1.weight"));
      const fc = mixed.weights.get("FC.0.weight")!.data;
      const exact = full.weights.get("FC.0.weight")!.data;
      for (let i = 0; i < fc.length; i++)
        expect(Math.abs(fc[i]! - exact[i]!)).toBeLessThanOrEqual(Math.abs(exact[i]!) * 2 ** -11 + 2 ** -25);
    });
  });

  test("transposed, sliced, stepped views and storage offsets", async () => {
    await withFile("views.pt", async (w) => {
      const base = await w.read("base");
      const at = (r: number, c: number) => base[r * 10 + c]!;
      expect(w.tensors.get("transposed")?.shape).toEqual([10, 6]);
      expect((await w.read("transposed"))[1]).toBe(at(1, 0));
      expect([...(await w.read("rows"))].slice(0, 2)).toEqual([at(2, 0), at(2, 1)]);
      expect([...(await w.read("columns"))].slice(0, 5)).toEqual([
        at(0, 3),
        at(0, 4),
        at(0, 5),
        at(0, 6),
        at(1, 3),
      ]);
      expect([...(await w.read("every_other"))]).toEqual(
        [0, 3, 6, 9, 20, 23, 26, 29, 40, 43, 46, 49].map((i) => base[i]),
      );
      expect(await w.read("empty")).toEqual(new Float32Array(0));
      expect(w.tensors.get("scalar")?.shape).toEqual([]);
      expect([...(await w.read("scalar"))]).toEqual([2.5]);
    });
  });

  test("an int storage is listed as unsupported and refused when read", async () => {
    await withFile("int_storage.pt", async (w) => {
      expect(w.tensors.get("conv1x1.bias")).toMatchObject({
        dtype: "unsupported",
        storedAs: "torch.IntStorage",
      });
      await expectCheckpointError(
        w.read("conv1x1.bias"),
        "unsupported_dtype",
        "int_storage.pt",
        /conv1x1\.bias is torch\.IntStorage/,
      );
    });
    await expectCheckpointError(
      loadGenerator(path("int_storage.pt"), "A2B"),
      "unsupported_dtype",
      "int_storage.pt",
      /^int_storage\.pt: unsupported dtype: conv1x1\.bias is torch\.IntStorage/,
    );
  });

  test("safetensors written elsewhere: I64 listed as unsupported, metadata kept", async () => {
    await withFile("external.safetensors", async (w) => {
      expect(w.metadata).toEqual({ note: "made by make_checkpoints.py" });
      expect(w.tensors.get("c.steps")).toMatchObject({ shape: [5], dtype: "unsupported", storedAs: "I64" });
      await expectCheckpointError(
        w.read("c.steps"),
        "unsupported_dtype",
        "external.safetensors",
        /c\.steps is I64/,
      );
    });
  });
});

function sum(data: Float32Array): number {
  return data.reduce((s, v) => s + v, 0);
}
