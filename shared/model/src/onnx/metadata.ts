/** @module The model configuration an exported ONNX file carries in its `metadata_props`, and reading it back. */

import type { Direction } from "@ugatit/contracts/directions";
import { ModelDomains } from "@ugatit/contracts/domains";
import {
  type GeneratorConfig,
  imageProcessingFor,
  TF_VERSIONS,
  type TfVersion,
} from "../architecture/config.ts";
import type { ByteSource } from "../checkpoints/byte-source.ts";
import { MODEL_FIELDS } from "./onnx-proto.ts";
import { ProtoFormatError, protoFields, readVarint } from "./protobuf.ts";

/** What an exported generator says about itself. */
export interface OnnxModelInfo {
  config: GeneratorConfig;
  direction: Direction;
  parameters: number;
  /** Exported from a development checkpoint that was never trained. */
  untrained: boolean;
  /** What A and B are, in words, when the source model named them. */
  domains: ModelDomains | null;
  /** `int8`: int8 convolutions (`ugatit convert --quantize int8`). */
  quantization: Quantization;
}

export const QUANTIZATIONS = ["none", "int8"] as const;
export type Quantization = (typeof QUANTIZATIONS)[number];

export class OnnxModelError extends Error {
  override name = "OnnxModelError";
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/** `metadata_props` of an export (snake_case, as the official code names these options). */
export function onnxMetadataProps(info: OnnxModelInfo): Record<string, string> {
  const { config } = info;
  return {
    model: "ugatit-generator",
    direction: info.direction,
    ngf: String(config.ngf),
    n_blocks: String(config.nBlocks),
    light: String(config.light),
    img_size: config.imgSize === null ? "" : String(config.imgSize),
    parameters: String(info.parameters),
    untrained: String(info.untrained),
    ...(info.domains ? { domain_a: info.domains.A, domain_b: info.domains.B } : {}),
    quantization: info.quantization,
    // the TF code's version ("" for the PyTorch code) and the test path its pixels go through
    tf_version: config.tfVersion ?? "",
    image_processing: imageProcessingFor(config),
  };
}

function domainsFromProps(props: Map<string, string>, file: string): ModelDomains | null {
  if (!props.has("domain_a") && !props.has("domain_b")) return null;
  const parsed = ModelDomains.safeParse({ A: props.get("domain_a"), B: props.get("domain_b") });
  if (!parsed.success)
    throw new OnnxModelError(file, "metadata domain_a and domain_b are not both names of 1–60 characters");
  return parsed.data;
}

function infoFromProps(props: Map<string, string>, file: string): OnnxModelInfo {
  if (props.get("model") !== "ugatit-generator") {
    throw new OnnxModelError(file, "not a U-GAT-IT generator exported by ugatit convert (no model metadata)");
  }
  const int = (key: string) => {
    const n = Number(props.get(key));
    if (!Number.isSafeInteger(n) || n <= 0)
      throw new OnnxModelError(file, `metadata ${key} is not a positive integer`);
    return n;
  };
  const direction = props.get("direction");
  if (direction !== "A2B" && direction !== "B2A")
    throw new OnnxModelError(file, "metadata direction is not A2B or B2A");
  const light = props.get("light") === "true";
  // files written before quantisation existed say nothing: float32 (or fp16) weights
  const quantization = props.get("quantization") ?? "none";
  if (!(QUANTIZATIONS as readonly string[]).includes(quantization))
    throw new OnnxModelError(
      file,
      `metadata quantization "${quantization}" is not ${QUANTIZATIONS.join(" or ")}`,
    );
  const tfVersion = props.get("tf_version") ?? "";
  if (tfVersion !== "" && !(TF_VERSIONS as readonly string[]).includes(tfVersion))
    throw new OnnxModelError(file, `metadata tf_version is not ${TF_VERSIONS.join(" or ")}`);
  const config: GeneratorConfig = {
    ngf: int("ngf"),
    nBlocks: int("n_blocks"),
    light,
    imgSize: light ? null : int("img_size"),
    ...(tfVersion === "" ? {} : { tfVersion: tfVersion as TfVersion }),
  };
  const processing = props.get("image_processing");
  if (processing !== undefined && processing !== imageProcessingFor(config))
    throw new OnnxModelError(file, `metadata image_processing ${processing} does not fit the model's code`);
  return {
    config,
    direction,
    parameters: int("parameters"),
    untrained: props.get("untrained") === "true",
    domains: domainsFromProps(props, file),
    quantization: quantization as Quantization,
  };
}

/** Largest metadata entry read; anything bigger is not ours. */
const MAX_ENTRY = 1 << 20;
/** A ModelProto has about a dozen top-level fields; walking more, one small read each, is not worth it. */
const MAX_FIELDS = 10_000;

/**
 * Reads the configuration from an ONNX file's `metadata_props`, walking the ModelProto's top-level fields
 * with small reads (the graph, gigabytes for a full model, is skipped, not read).
 */
export async function readOnnxModelInfo(source: ByteSource, file: string): Promise<OnnxModelInfo> {
  const props = new Map<string, string>();
  const text = new TextDecoder();
  let at = 0;
  let fields = 0;
  try {
    while (at < source.size) {
      if (++fields > MAX_FIELDS) throw new ProtoFormatError(`over ${MAX_FIELDS} top-level fields`);
      const head = new Uint8Array(Math.min(20, source.size - at));
      await source.readInto(head, at);
      const key = readVarint(head, 0);
      const field = Number(key.value >> 3n);
      const wire = Number(key.value & 7n);
      if (wire === 0) {
        at += readVarint(head, key.next).next;
      } else if (wire === 2) {
        const len = readVarint(head, key.next);
        const start = at + len.next;
        const length = Number(len.value);
        if (start + length > source.size)
          throw new OnnxModelError(file, "truncated: a field runs past the end of the file");
        if (field === MODEL_FIELDS.metadataProps) {
          if (length > MAX_ENTRY) throw new OnnxModelError(file, "a metadata entry is implausibly large");
          const entry = new Uint8Array(length);
          await source.readInto(entry, start);
          let k = "";
          let v = "";
          for (const f of protoFields(entry)) {
            const s = text.decode(entry.subarray(f.offset, f.offset + f.length));
            if (f.field === 1) k = s;
            if (f.field === 2) v = s;
          }
          props.set(k, v);
        }
        at = start + length;
      } else if (wire === 5 || wire === 1) {
        at += key.next + (wire === 5 ? 4 : 8);
      } else {
        throw new ProtoFormatError(`unsupported protobuf wire type ${wire}`);
      }
    }
  } catch (error) {
    if (error instanceof ProtoFormatError)
      throw new OnnxModelError(file, `not an ONNX model (${error.message})`);
    throw error;
  }
  return infoFromProps(props, file);
}
