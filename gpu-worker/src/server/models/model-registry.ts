import { createHash } from "node:crypto";
import type { Direction } from "@ugatit/contracts/directions";
import type { ModelInfo } from "@ugatit/contracts/protocol";
import type { TfVersion } from "@ugatit/model/architecture";
import type { BackendName } from "../../runtime/backends.ts";
import type { Precision, Translator } from "../../runtime/translator.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { loadGenerators, servedSize } from "./load-generators.ts";
import { compareVersions, type ModelSpec } from "./model-spec.ts";

/** One generator of a model as an ONNX file, for clients that run it themselves (the demo page's browser). */
export interface OnnxExport {
  bytes: Uint8Array<ArrayBuffer>;
  /** A strong validator: the bytes' SHA-256, quoted as an entity tag. */
  etag: string;
}

export interface LoadedModel {
  id: string;
  spec: ModelSpec;
  size: number;
  translators: Map<Direction, Translator>;
  /** A light model's generators as ONNX, made at load; a full model has none. */
  onnx: Map<Direction, OnnxExport>;
  info: ModelInfo;
  loadSeconds: number;
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

/**
 * Named, versioned models, each with a translator per direction it has, on one backend. A source is a
 * checkpoint, or an `.onnx` model exported by `ugatit convert` (one direction; the onnx backend).
 */
export class ModelRegistry {
  private readonly models = new Map<string, LoadedModel>();

  constructor(
    private readonly backend: BackendName,
    private readonly lightSize: number,
    private readonly storage?: ObjectStore,
    private readonly precision: Precision = "fp32",
    /** The TF code version for TF checkpoints, instead of the one read off each file. */
    private readonly tfVersion?: TfVersion,
  ) {}

  /** Loads one model, reading its source once (an `s3://` one downloaded once). */
  async load(spec: ModelSpec): Promise<LoadedModel> {
    const started = performance.now();
    const generators = await loadGenerators(spec, {
      backend: this.backend,
      lightSize: this.lightSize,
      storage: this.storage,
      precision: this.precision,
      tfVersion: this.tfVersion,
    });
    const last = generators.at(-1);
    if (!last) throw new Error(`${spec.source}: no generator found`);
    const { config } = last;
    const id = `${spec.name}@${spec.version}`;
    const size = servedSize(config, this.lightSize);
    const model: LoadedModel = {
      id,
      spec,
      size,
      translators: new Map(generators.map((g) => [g.direction, g.translator])),
      onnx: new Map(
        generators.flatMap((g) =>
          g.onnx ? [[g.direction, { bytes: g.onnx, etag: entityTag(g.onnx) }] as const] : [],
        ),
      ),
      loadSeconds: (performance.now() - started) / 1000,
      info: {
        id,
        name: spec.name,
        version: spec.version,
        directions: generators.map((g) => g.direction),
        light: config.light,
        size,
        ngf: config.ngf,
        n_blocks: config.nBlocks,
        parameters: last.parameters,
        untrained: last.untrained,
        framing: last.framing,
        domains: last.domains,
      },
    };
    this.models.set(id, model);
    return model;
  }

  /** A light model's generator as ONNX (dynamic H and W): an `.onnx` source as it is, a checkpoint's as exported at load. */
  onnxExport(model: LoadedModel, direction: Direction): OnnxExport {
    if (!model.info.light) {
      throw new OnnxExportError(
        "full_model",
        `${model.id} is a full model, whose fully connected layers alone outgrow a browser; translating in the browser needs a light model`,
      );
    }
    const exported = model.onnx.get(direction);
    if (!exported) {
      throw new OnnxExportError(
        "missing_direction",
        `${model.id} has no ${direction} generator (it has ${model.info.directions.join(", ")})`,
      );
    }
    return exported;
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

  dispose(): void {
    for (const model of this.models.values()) for (const t of model.translators.values()) t.dispose();
    this.models.clear();
  }
}

function entityTag(bytes: Uint8Array): string {
  return `"${createHash("sha256").update(bytes).digest("hex")}"`;
}
