/**
 * @module Runs mutants of real files through one reader, one JSON line per case, so that the test driving
 * it can stop a case that hangs: `fuzz-runner.ts <target> <seed> <first> <count>` (cases first … first+count-1).
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImageError, readImageHeader } from "@ugatit/contracts/image";
import { CheckpointError, loadGenerator, writeSafetensors } from "@ugatit/model/checkpoints";
import { exportGeneratorToOnnx, OnnxModelError } from "@ugatit/model/onnx";
import { decodeImage, encodeImage } from "../../gpu-worker/src/image/index.ts";
import { onnxModelFromBytes } from "../../gpu-worker/src/runtime/onnx/onnx-file.ts";
import { ROOT } from "../helpers/processes.ts";
import { readEveryTensor } from "../helpers/read-every-tensor.ts";
import { mutate } from "./mutate.ts";

const CHECKPOINTS = join(ROOT, "test/fixtures/checkpoints");
const TF_PREFIX = join(ROOT, "test/fixtures/tf-ugatit/light64/UGATIT.model-1000000");
const TF_DATA = ".data-00000-of-00001";
const fixture = (name: string) => readFile(join(CHECKPOINTS, name));

type Reader = (bytes: Uint8Array) => Promise<void>;
interface Target {
  originals: Uint8Array[];
  read: Reader;
}

/** Errors a reader may answer a bad file with; anything else is a bug the fuzz test reports. */
const TYPED = [CheckpointError, OnnxModelError, ImageError];

async function main(): Promise<void> {
  const [name = "", seedText = "1", firstText = "0", countText = "100"] = process.argv.slice(2);
  const dir = await mkdtemp(join(tmpdir(), "fuzz-"));
  try {
    const target = await targets[name]?.(dir);
    if (!target) throw new Error(`no fuzz target ${name}; known: ${Object.keys(targets).join(", ")}`);
    const seed = Number(seedText);
    const first = Number(firstText);
    for (let i = first; i < first + Number(countText); i++) {
      const original = target.originals[i % target.originals.length]!;
      const bytes = mutate(original, seed, i);
      let outcome: Record<string, unknown>;
      try {
        await target.read(bytes);
        outcome = { ok: true };
      } catch (error) {
        const typed =
          TYPED.some((type) => error instanceof type) &&
          !(error instanceof CheckpointError && unanticipated(error));
        const message = error instanceof Error ? error.message : String(error);
        outcome =
          typed && !/[\r\n]/.test(message)
            ? { typed: (error as Error).name }
            : {
                bad: `${(error as Error)?.name}: ${message.slice(0, 300)} (cause: ${String((error as Error)?.cause)})`,
              };
      }
      process.stdout.write(`${JSON.stringify({ i, ...outcome })}\n`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The weight readers wrap whatever they did not anticipate (a TypeError from a structure they misread)
 * in a CheckpointError with it as the cause; only zlib's own refusals are expected causes there. (An
 * ImageError's cause is libvips' own refusal.)
 */
function unanticipated(error: unknown): boolean {
  const cause = (error as Error).cause as NodeJS.ErrnoException | undefined;
  if (cause === undefined) return false;
  return !(cause.code?.startsWith("Z_") || cause.code === "ERR_BUFFER_TOO_LARGE");
}

/** Opens the file as `ugatit inspect` and the loaders do, then reads every tensor it lists. */
function weightFileReader(dir: string): Reader {
  const path = join(dir, "mutant");
  return async (bytes) => {
    await writeFile(path, bytes);
    await readEveryTensor(path);
  };
}

/**
 * A TensorFlow bundle with one of its two files mutated (the other is the real one), opened through its
 * prefix as a user names it.
 */
async function tfBundle(dir: string, mutated: ".index" | typeof TF_DATA): Promise<Target> {
  const prefix = join(dir, "UGATIT.model-1");
  const kept = mutated === ".index" ? TF_DATA : ".index";
  await copyFile(TF_PREFIX + kept, prefix + kept);
  return {
    originals: [await readFile(TF_PREFIX + mutated)],
    read: async (bytes) => {
      await writeFile(prefix + mutated, bytes);
      await readEveryTensor(prefix);
    },
  };
}

async function weights(dir: string, names: string[]): Promise<Target> {
  return { originals: await Promise.all(names.map(fixture)), read: weightFileReader(dir) };
}

async function images(): Promise<Uint8Array[]> {
  const [width, height] = [23, 17];
  const rgb = new Uint8Array(width * height * 3).map((_, i) => (i * 37) % 256);
  return Promise.all([
    encodeImage(rgb, width, height, "png"),
    encodeImage(rgb, width, height, "jpeg"),
    encodeImage(rgb, width, height, "webp"),
    encodeImage(rgb, width, height, "webp", { lossless: true }),
  ]);
}

const targets: Record<string, (dir: string) => Promise<Target>> = {
  "torch-zip": (dir) => weights(dir, ["genA2B_bare.pt", "genA2B_deflated.pt", "views.pt", "mixed.pt"]),
  "torch-legacy": (dir) => weights(dir, ["genA2B_bare_legacy.pt", "views_legacy.pt", "mixed_legacy.pt"]),
  async safetensors(dir) {
    const { weights: generator } = await loadGenerator(join(CHECKPOINTS, "genA2B_bare.pt"), "A2B");
    const path = join(dir, "generator.safetensors");
    await writeSafetensors(path, generator, { note: "fuzz" }, { fp16: true });
    return {
      originals: [await readFile(path), await fixture("external.safetensors")],
      read: weightFileReader(dir),
    };
  },
  "tf-index": (dir) => tfBundle(dir, ".index"),
  "tf-data": (dir) => tfBundle(dir, TF_DATA),
  async onnx() {
    const { config, weights: generator } = await loadGenerator(join(CHECKPOINTS, "genA2B_bare.pt"), "A2B");
    return {
      originals: [exportGeneratorToOnnx(config, generator, { direction: "A2B" })],
      // As the worker reads a model it holds whole (from storage or a file).
      read: async (bytes) => void (await onnxModelFromBytes(new Uint8Array(bytes), "fuzz.onnx")),
    };
  },
  async "image-header"() {
    return { originals: await images(), read: async (bytes) => void readImageHeader(bytes) };
  },
  async "image-decode"() {
    return { originals: await images(), read: async (bytes) => void (await decodeImage(bytes)) };
  },
};

await main();
