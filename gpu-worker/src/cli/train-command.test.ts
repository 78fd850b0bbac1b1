import { cp, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { modelDomains, openWeightFile } from "@ugatit/model/checkpoints";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { readOnnxFileInfo } from "../runtime/onnx/onnx-file.ts";
import { ugatit } from "./testing.ts";

const DATA = fileURLToPath(new URL("../../../test/fixtures/ugatit-train/data", import.meta.url));

/** `ugatit train` of a tiny light model (ngf 4) for `iterations` on `data`, with more flags. */
function train(data: string, iterations: number, ...flags: string[]) {
  return ugatit(
    "train",
    "--data",
    data,
    "--iterations",
    String(iterations),
    "--light",
    "--ch",
    "4",
    ...flags,
  );
}

function expectOneLineError(r: { code: number; stderr: string }, expected: RegExp, code: number) {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(expected);
}

describe("ugatit train refuses with one line", () => {
  it("without --data or --iterations", async () => {
    expectOneLineError(await ugatit("train", "--iterations", "3"), /--data is required/, 2);
    expectOneLineError(await ugatit("train", "--data", DATA), /--iterations is required/, 2);
  });

  it("with both --init and --resume", async () => {
    const r = await ugatit(
      "train",
      "--data",
      DATA,
      "--iterations",
      "1",
      "--init",
      "a.pt",
      "--resume",
      "b.safetensors",
    );
    expectOneLineError(r, /--init and --resume exclude each other/, 2);
  });

  it("when the data folder has no trainA", async () => {
    const empty = await mkdtemp(join(tmpdir(), "ugatit-nodata-"));
    const r = await train(empty, 1, "--size", "96");
    expectOneLineError(r, /trainA does not exist or is not a folder/, 1);
  });

  it("below the global discriminators' smallest image size", async () => {
    const r = await train(DATA, 1, "--size", "64");
    expectOneLineError(r, /at least 96/, 1);
  });

  it("on the ONNX backend, which only serves inference", async () => {
    const r = await train(DATA, 1, "--backend", "onnx");
    expectOneLineError(r, /training needs a TF\.js backend/, 1);
  });

  it("when the losses turn non-finite, naming the iteration", async () => {
    const r = await train(
      DATA,
      4,
      "--size",
      "96",
      "--lr",
      "1e30",
      "--print-every",
      "100",
      "--backend",
      "wasm",
    );
    expectOneLineError(r, /ugatit train: the losses turned non-finite at iteration [1-4] \(.*G_loss/, 1);
  });
});

describe("ugatit train --export-onnx", () => {
  it("writes both generators as ONNX files that ONNX Runtime runs", async () => {
    const out = join(await mkdtemp(join(tmpdir(), "train-onnx-")), "onnx");
    const r = await train(DATA, 1, "--size", "96", "--backend", "wasm", "--export-onnx", out);
    expect(r.code, r.stderr).toBe(0);
    const images: Float32Array[] = [];
    for (const direction of ["A2B", "B2A"]) {
      const session = await InferenceSession.create(join(out, `${direction}.onnx`));
      const input = new Tensor("float32", new Float32Array(3 * 96 * 96).fill(0.25), [1, 3, 96, 96]);
      const result = await session.run({ [session.inputNames[0] as string]: input });
      const image = result[session.outputNames[0] as string] as Tensor;
      expect(image.dims).toEqual([1, 3, 96, 96]);
      images.push(image.data as Float32Array);
    }
    // two different generators, not one written twice
    expect(images[0]).not.toEqual(images[1]);
  });

  it("refuses a folder whose parent does not exist, before training", async () => {
    const r = await train(DATA, 1, "--export-onnx", "/nonexistent/dir/onnx");
    expectOneLineError(
      r,
      /--export-onnx \/nonexistent\/dir\/onnx: folder \/nonexistent\/dir does not exist/,
      1,
    );
  });
});

describe("ugatit train with the data folder's domains.json", () => {
  it("carries the domain names into --export and --export-onnx", async () => {
    const dir = await mkdtemp(join(tmpdir(), "train-domains-"));
    const data = join(dir, "data");
    await cp(DATA, data, { recursive: true });
    const domains = { A: "photos", B: "paintings" };
    await writeFile(join(data, "domains.json"), JSON.stringify(domains));
    const model = join(dir, "model.safetensors");
    const onnx = join(dir, "onnx");
    const r = await train(
      data,
      1,
      "--size",
      "96",
      "--backend",
      "wasm",
      "--export",
      model,
      "--export-onnx",
      onnx,
    );
    expect(r.code, r.stderr).toBe(0);
    const file = await openWeightFile(model);
    try {
      expect(modelDomains(file)).toEqual(domains);
    } finally {
      await file.close();
    }
    for (const direction of ["A2B", "B2A"]) {
      expect((await readOnnxFileInfo(join(onnx, `${direction}.onnx`))).domains).toEqual(domains);
    }
  });

  it("refuses one that does not name both, before training", async () => {
    const data = join(await mkdtemp(join(tmpdir(), "train-domains-")), "data");
    await cp(DATA, data, { recursive: true });
    await writeFile(join(data, "domains.json"), JSON.stringify({ A: "photos" }));
    expectOneLineError(
      await train(data, 1, "--size", "96"),
      /domains\.json must be \{ "A": name, "B": name \}/,
      1,
    );
  });
});
