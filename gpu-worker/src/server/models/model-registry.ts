import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIRECTIONS, type Direction } from "@ugatit/contracts/directions";
import type { ModelInfo } from "@ugatit/contracts/protocol";
import { loadGenerator, openWeightFile } from "@ugatit/model/checkpoints";
import { exportGeneratorToOnnx } from "@ugatit/model/onnx";
import { resolveInputSize } from "../inference/input-size.ts";
import { Translator } from "../inference/translator.ts";
import { isOnnxFile, readOnnxFileInfo } from "../onnx/onnx-file.ts";
import type { BackendName } from "../runtime/backends.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { compareVersions, type ModelSpec, parseS3Uri } from "./model-spec.ts";

/** Checkpoints may be large; a model file in storage is read whole, up to this. */
const MAX_MODEL_BYTES = 4 * 1024 ** 3;

export interface LoadedModel {
  id: string;
  spec: ModelSpec;
  size: number;
  translators: Map<Direction, Translator>;
  info: ModelInfo;
  loadSeconds: number;
}

/** One generator of a model as an ONNX file, for clients that run it themselves (the demo page's browser). */
export interface OnnxExport {
  bytes: Uint8Array<ArrayBuffer>;
  /** A strong validator: the bytes' SHA-256, quoted as an entity tag. */
  etag: string;
}

/** Why a model's generator cannot be handed out as ONNX: a full model, or a direction it lacks. */
export class OnnxExportError extends Error {
  override name = "OnnxExportError";
  constructor(
    readonly reason: "full_model" | "missing_direction",
    message: string,
  ) {
    super(message);
  }
}

/** A bare generator state_dict, rather than an official dict or our safetensors with `genA2B.` names. */
async function isBare(path: string): Promise<boolean> {
  const file = await openWeightFile(path);
  try {
    return ![...file.tensors.keys()].some((name) => /^gen(A2B|B2A)\./.test(name));
  } finally {
    await file.close();
  }
}

/** Safetensors files we generate for development carry `untrained: true` in their metadata. */
export async function isUntrained(path: string): Promise<boolean> {
  const file = await openWeightFile(path);
  try {
    return file.metadata.untrained === "true";
  } finally {
    await file.close();
  }
}

/**
 * Named, versioned models, each with a translator per direction it has, on one backend. A source is a
 * checkpoint, or an `.onnx` model exported by `ugatit convert` (one direction; the onnx backend).
 */
export class ModelRegistry {
  private readonly models = new Map<string, LoadedModel>();
  /** ONNX exports by `id/direction`, made on first request. */
  private readonly exports = new Map<string, Promise<OnnxExport>>();

  constructor(
    private readonly backend: BackendName,
    private readonly lightSize: number,
    private readonly storage?: ObjectStore,
  ) {}

  /** Loads one model (downloading an `s3://` source to a temporary file first). */
  async load(spec: ModelSpec): Promise<LoadedModel> {
    const started = performance.now();
    return this.withLocalSource(spec, async (path) => {
      const translators = new Map<Direction, Translator>();
      let parameters = 0;
      let untrained = false;
      let config: Translator["config"] | undefined;
      if (isOnnxFile(path)) {
        // an exported model holds one generator, its direction and configuration in its metadata
        const onnx = await readOnnxFileInfo(path);
        ({ config, parameters, untrained } = onnx);
        const size = this.sizeFor(onnx.config);
        translators.set(onnx.direction, await Translator.fromOnnxFile(path, onnx, size, this.backend));
      } else {
        // a bare generator state_dict has no direction of its own: it is served as A2B
        const directions: Direction[] = (await isBare(path)) ? ["A2B"] : [...DIRECTIONS];
        for (const direction of directions) {
          const loaded = await loadGenerator(path, direction).catch((error: unknown) => {
            if ((error as { code?: string }).code === "missing_direction") return undefined;
            throw error;
          });
          if (!loaded) continue;
          config = loaded.config;
          parameters = [...loaded.weights.values()].reduce((n, t) => n + t.data.length, 0);
          const size = this.sizeFor(loaded.config);
          translators.set(
            direction,
            await Translator.fromWeights(loaded.config, loaded.weights, direction, size, this.backend),
          );
        }
        untrained = await isUntrained(path);
      }
      if (!config || translators.size === 0) throw new Error(`${spec.source}: no generator found`);
      const id = `${spec.name}@${spec.version}`;
      const size = this.sizeFor(config);
      const model: LoadedModel = {
        id,
        spec,
        size,
        translators,
        loadSeconds: (performance.now() - started) / 1000,
        info: {
          id,
          name: spec.name,
          version: spec.version,
          directions: [...translators.keys()],
          light: config.light,
          size,
          ngf: config.ngf,
          n_blocks: config.nBlocks,
          parameters,
          untrained,
        },
      };
      this.models.set(id, model);
      return model;
    });
  }

  /**
   * A light model's generator as ONNX (dynamic H and W): an `.onnx` source as it is, a checkpoint exported
   * (float32) from its source, read again on the first call; the bytes are kept from then on.
   */
  async exportOnnx(model: LoadedModel, direction: Direction): Promise<OnnxExport> {
    if (!model.info.light) {
      throw new OnnxExportError(
        "full_model",
        `${model.id} is a full model, whose fully connected layers alone outgrow a browser; translating in the browser needs a light model`,
      );
    }
    if (!model.translators.has(direction)) {
      throw new OnnxExportError(
        "missing_direction",
        `${model.id} has no ${direction} generator (it has ${model.info.directions.join(", ")})`,
      );
    }
    const key = `${model.id}/${direction}`;
    let pending = this.exports.get(key);
    if (!pending) {
      pending = this.withLocalSource(model.spec, async (path) => {
        const bytes = isOnnxFile(path)
          ? new Uint8Array(await readFile(path))
          : await loadGenerator(path, direction).then(({ config, weights }) =>
              exportGeneratorToOnnx(config, weights, { direction, untrained: model.info.untrained }),
            );
        return { bytes, etag: `"${createHash("sha256").update(bytes).digest("hex")}"` };
      });
      this.exports.set(key, pending);
      pending.catch(() => this.exports.delete(key));
    }
    return pending;
  }

  /** Runs `use` on a local path of the model's source, an `s3://` one downloaded to a temporary file. */
  private async withLocalSource<T>(spec: ModelSpec, use: (path: string) => Promise<T>): Promise<T> {
    const s3 = parseS3Uri(spec.source);
    if (!s3) return use(spec.source);
    if (!this.storage) throw new Error(`${spec.source}: no storage configured to read it from`);
    const scratch = await mkdtemp(join(tmpdir(), "ugatit-model-"));
    try {
      const path = join(scratch, s3.key.split("/").at(-1) ?? "model");
      await writeFile(path, await this.storage.get(s3.key, MAX_MODEL_BYTES, undefined, s3.bucket));
      return await use(path);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  private sizeFor(config: Translator["config"]): number {
    return resolveInputSize(config, config.light ? this.lightSize : undefined);
  }

  /** `name@version`, or `name` for its newest version. */
  resolve(ref: string): LoadedModel | undefined {
    if (ref.includes("@")) return this.models.get(ref);
    const versions = [...this.models.values()].filter((m) => m.spec.name === ref);
    return versions.sort((a, b) => compareVersions(b.spec.version, a.spec.version))[0];
  }

  list(): ModelInfo[] {
    return [...this.models.values()].map((m) => m.info);
  }

  all(): LoadedModel[] {
    return [...this.models.values()];
  }

  dispose(): void {
    for (const model of this.models.values()) for (const t of model.translators.values()) t.dispose();
    this.models.clear();
    this.exports.clear();
  }
}
