/**
 * Parity with the official TensorFlow code (taki0112/UGATIT): every case of test/fixtures/tf-ugatit (HEAD
 * and legacy), both directions, read from the real TF checkpoints: the raw outputs, CAM logits and
 * heatmaps of the TF.js backends and of ONNX Runtime running the export, then the pixels through the path
 * `ugatit translate` takes, through the CLI itself, and through the files `ugatit convert` writes.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import * as tf from "@tensorflow/tfjs-core";
import { DIRECTIONS, type Direction } from "@ugatit/contracts/directions";
import { rgbToModelInputTf, toChannelsFirst, toChannelsLast } from "@ugatit/contracts/image";
import { Generator } from "@ugatit/model/architecture";
import { loadGenerator } from "@ugatit/model/checkpoints";
import { exportGeneratorToOnnx } from "@ugatit/model/onnx";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { decodeImage } from "../gpu-worker/src/image/index.ts";
import { presentBackends } from "../gpu-worker/src/runtime/backends.ts";
import { loadTranslator, type TranslatorOptions } from "../gpu-worker/src/runtime/create-translator.ts";
import { ModelRegistry } from "../gpu-worker/src/server/models/model-registry.ts";
import { TEST_BACKENDS, useBackend } from "./helpers/backends.ts";
import { maxAbsDifference } from "./helpers/max-abs-difference.ts";
import { readNpy } from "./helpers/npy.ts";
import { FIXTURES } from "./helpers/reference.ts";

const run = promisify(execFile);
const CASES = resolve(FIXTURES, "tf-ugatit");
const CLI = resolve(FIXTURES, "../../gpu-worker/bin/ugatit.js");
/** The fixture's own float32-vs-float64 spread is about 3e-5 (its README). */
const TOLERANCE = 2e-4;

interface DirectionCase {
  input: string;
  output: string;
  output_raw: string;
  heatmap: string;
  cam_logit: [number, number];
}
interface Case {
  name: string;
  img_size: number;
  variant?: "legacy";
  directions: Record<Direction, DirectionCase>;
}

const { cases } = JSON.parse(await readFile(join(CASES, "cases.json"), "utf8")) as { cases: Case[] };
const scratch = await mkdtemp(join(tmpdir(), "ugatit-tf-parity-"));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const checkpoint = (c: Case) => join(CASES, c.name);
const fixture = (c: Case, file: string) => join(CASES, c.name, file);
const pixels = async (file: string) => (await decodeImage(await readFile(file))).data;

/** The case's input as the generator's [1, size, size, 3] input, through the official TF test path. */
async function inputOf(c: Case, direction: Direction): Promise<Float32Array> {
  const rgb = await pixels(fixture(c, c.directions[direction].input));
  return rgbToModelInputTf(rgb, c.img_size, c.img_size);
}

/** Heatmaps are channel sums: compared relative to their largest value. */
function maxScaledDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  return maxAbsDifference(actual, expected) / scale;
}

interface Raw {
  image: ArrayLike<number>;
  camLogit: ArrayLike<number>;
  heatmap: ArrayLike<number>;
}

async function tfjsForward(c: Case, direction: Direction, backend: string): Promise<Raw> {
  await useBackend(backend);
  const { config, weights } = await loadGenerator(checkpoint(c), direction);
  const generator = Generator.fromTorch(config, weights);
  const size = c.img_size;
  const out = generator.forward(tf.tensor4d(await inputOf(c, direction), [1, size, size, 3]));
  const raw = {
    image: await out.image.data(),
    camLogit: await out.camLogit.data(),
    heatmap: await out.heatmap.data(),
  };
  tf.dispose(out);
  generator.dispose();
  return raw;
}

async function onnxForward(c: Case, direction: Direction): Promise<Raw> {
  const { config, weights } = await loadGenerator(checkpoint(c), direction);
  const session = await InferenceSession.create(exportGeneratorToOnnx(config, weights, { direction }));
  const size = c.img_size;
  const hw = size * size;
  const x = toChannelsFirst(await inputOf(c, direction), 1, hw, 3);
  const out = await session.run({ input: new Tensor("float32", x, [1, 3, size, size]) });
  await session.release();
  return {
    image: toChannelsLast(out.image!.data as Float32Array, 1, hw, 3),
    camLogit: out.cam_logit!.data as Float32Array,
    heatmap: out.heatmap!.data as Float32Array,
  };
}

const runs = cases.flatMap((c) =>
  DIRECTIONS.flatMap((direction) => [...TEST_BACKENDS, "onnx"].map((backend) => ({ c, direction, backend }))),
);

describe("parity with the official TensorFlow implementation", () => {
  it.each(cases)("$name is read as TF $variant code (HEAD when unnamed) in both directions", async (c) => {
    for (const direction of DIRECTIONS) {
      const { config } = await loadGenerator(checkpoint(c), direction);
      expect(config).toEqual({
        ngf: 8,
        nBlocks: 4,
        light: true,
        imgSize: null,
        tfVersion: c.variant ?? "head",
      });
    }
  });

  it.each(runs)(
    "$c.name $direction on $backend: raw output, CAM logits and heatmap",
    async ({ c, direction, backend }) => {
      const d = c.directions[direction];
      const raw =
        backend === "onnx" ? await onnxForward(c, direction) : await tfjsForward(c, direction, backend);
      expect(maxAbsDifference(raw.image, readNpy(fixture(c, d.output_raw)).data)).toBeLessThanOrEqual(
        TOLERANCE,
      );
      expect(maxAbsDifference(raw.camLogit, d.cam_logit)).toBeLessThanOrEqual(TOLERANCE);
      expect(maxScaledDifference(raw.heatmap, readNpy(fixture(c, d.heatmap)).data)).toBeLessThanOrEqual(
        TOLERANCE,
      );
    },
  );

  it("the code version decides the output: the legacy case read as HEAD misses it", async () => {
    const c = cases.find((k) => k.variant === "legacy")!;
    const d = c.directions.A2B;
    const translator = await loadTranslator({
      checkpoint: checkpoint(c),
      direction: "A2B",
      tfVersion: "head",
      backend: "cpu",
    });
    const [result] = await translator.translate([await decodeImage(await readFile(fixture(c, d.input)))]);
    translator.dispose();
    expect(maxAbsDifference(result!.camLogit, d.cam_logit)).toBeGreaterThan(1e-2);
  });
});

/** Pixels within one level of the official output, and the CAM logits, through a translator at the case's size. */
async function expectOfficialPixels(c: Case, direction: Direction, load: TranslatorOptions) {
  const d = c.directions[direction];
  const translator = await loadTranslator({ size: c.img_size, ...load });
  const [result] = await translator.translate([await decodeImage(await readFile(fixture(c, d.input)))]);
  translator.dispose();
  expect(result?.image.width).toBe(c.img_size);
  expect(maxAbsDifference(result!.image.data, await pixels(fixture(c, d.output)))).toBeLessThanOrEqual(1);
  expect(maxAbsDifference(result!.camLogit, d.cam_logit)).toBeLessThanOrEqual(TOLERANCE);
  return result!;
}

describe("the official TF pixels through the service's paths", () => {
  it.each(
    cases.flatMap((c) =>
      DIRECTIONS.flatMap((direction) => presentBackends().map((backend) => ({ c, direction, backend }))),
    ),
  )("$c.name $direction through the translator on $backend", async ({ c, direction, backend }) => {
    await expectOfficialPixels(c, direction, {
      checkpoint: checkpoint(c),
      direction,
      backend,
      size: c.img_size,
    });
  });

  it.each(cases)("ugatit translate writes $name's official output from the checkpoint folder", async (c) => {
    for (const direction of DIRECTIONS) {
      const d = c.directions[direction];
      const output = join(scratch, `${c.name}-${direction}.png`);
      const { stdout } = await run(process.execPath, [
        CLI,
        "translate",
        "--checkpoint",
        checkpoint(c),
        "--direction",
        direction,
        "--input",
        fixture(c, d.input),
        "--output",
        output,
        "--size",
        String(c.img_size),
        "--json",
      ]);
      const report = JSON.parse(stdout) as { cam_logit: number[]; tf_version: string };
      expect(report.tf_version).toBe(c.variant ?? "head");
      expect(maxAbsDifference(report.cam_logit, d.cam_logit)).toBeLessThanOrEqual(TOLERANCE);
      expect(maxAbsDifference(await pixels(output), await pixels(fixture(c, d.output)))).toBeLessThanOrEqual(
        1,
      );
    }
  });

  it.each(cases)(
    "ugatit convert keeps $name's code version: safetensors and ONNX give the same pixels",
    async (c) => {
      const safetensors = join(scratch, `${c.name}.safetensors`);
      await run(process.execPath, [CLI, "convert", "--checkpoint", checkpoint(c), "--output", safetensors]);
      for (const direction of DIRECTIONS) {
        const onnx = join(scratch, `${c.name}-${direction}.onnx`);
        await run(process.execPath, [
          CLI,
          "convert",
          "--checkpoint",
          checkpoint(c),
          "--output",
          onnx,
          "--direction",
          direction,
        ]);
        const direct = await expectOfficialPixels(c, direction, {
          checkpoint: checkpoint(c),
          direction,
          backend: "cpu",
        });
        for (const [file, backend] of [
          [safetensors, "cpu"],
          [onnx, "onnx"],
        ] as const) {
          const converted = await expectOfficialPixels(c, direction, {
            checkpoint: file,
            direction,
            backend,
          });
          expect(maxAbsDifference(converted.image.data, direct.image.data)).toBeLessThanOrEqual(1);
        }
        const { config } = await loadGenerator(safetensors, direction);
        expect(config.tfVersion).toBe(c.variant ?? "head");
      }
    },
  );

  it("the worker's registry serves both generators of a TF checkpoint with the TF pixel path", async () => {
    const c = cases.find((k) => k.variant === "legacy")!;
    const registry = new ModelRegistry("cpu", c.img_size);
    const model = await registry.load({ name: "selfie2anime", version: "1", source: checkpoint(c) });
    expect(model.info.directions).toEqual([...DIRECTIONS]);
    for (const direction of DIRECTIONS) {
      const d = c.directions[direction];
      const translator = model.translators.get(direction)!;
      expect(translator.config.tfVersion).toBe("legacy");
      const [result] = await translator.translate([await decodeImage(await readFile(fixture(c, d.input)))]);
      expect(maxAbsDifference(result!.image.data, await pixels(fixture(c, d.output)))).toBeLessThanOrEqual(1);
    }
    registry.dispose();
  });
});
