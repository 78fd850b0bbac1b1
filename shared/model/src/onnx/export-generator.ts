import type { Direction } from "@ugatit/contracts/directions";
import type { ModelDomains } from "@ugatit/contracts/domains";
import { ONNX_INPUT, ONNX_OUTPUTS } from "@ugatit/contracts/onnx-io";
import type { GeneratorConfig } from "../architecture/config.ts";
import { resnetGenerator } from "../architecture/generator.ts";
import type { TorchWeights } from "../architecture/params.ts";
import { float32ToFloat16 } from "../checkpoints/half.ts";
import { type ModelOptions, OnnxGraph, type Value } from "./graph-builder.ts";
import { int8Ops } from "./int8-ops.ts";
import { onnxMetadataProps } from "./metadata.ts";
import { onnxOps } from "./onnx-ops.ts";
import { DataType, type Dim } from "./onnx-proto.ts";
import type { QuantizeMode } from "./quantize.ts";

export interface OnnxExportOptions {
  direction: Direction;
  /** Store the weights as float16 (half the file); Cast nodes turn them back to float32 at load. */
  fp16?: boolean;
  /** Compute the convolutions in float16 (for GPUs with fast half precision); input and outputs stay float32. */
  halfConvolutions?: boolean;
  /** The source checkpoint was never trained (carried into the metadata). */
  untrained?: boolean;
  /** What the source model's domains are, in words (carried into the metadata). */
  domains?: ModelDomains | null;
  /**
   * int8 convolutions (see int8Ops, int8Plan): `{ calibrate: true }` records the float32 twin with the
   * moments GPTQ needs as extra outputs; `{ moments }` writes the int8 model with them.
   */
  quantize?: QuantizeMode;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The generator as an ONNX model (opset 17), recorded from the same {@link resnetGenerator} TF.js runs:
 * input `input` [batch, 3, H, W] in [-1, 1]; outputs `image` [batch, 3, H, W], `cam_logit` [batch, 2],
 * `heatmap` [batch, 1, H/4, W/4]. The batch is dynamic; so are H and W for a light model. The
 * configuration and direction are in `metadata_props`.
 *
 * @example
 * const { config, weights } = await loadGenerator("selfie2anime.pt", "A2B");
 * await writeFile("selfie2anime.onnx", exportGeneratorToOnnx(config, weights, { direction: "A2B" }));
 */
export function exportGeneratorToOnnx(
  config: GeneratorConfig,
  weights: TorchWeights,
  options: OnnxExportOptions,
): Uint8Array<ArrayBuffer> {
  const { graph, model } = recordGeneratorOnnx(config, weights, options);
  return graph.toModel(model);
}

/** A generator recorded as an ONNX graph, not yet written: its float32 weights referenced, not copied. */
export interface GeneratorRecording {
  graph: OnnxGraph;
  model: ModelOptions;
}

/**
 * {@link exportGeneratorToOnnx} before it writes: for {@link OnnxGraph.toModelWithExternalData}, which
 * keeps the weights out of the model's bytes.
 */
export function recordGeneratorOnnx(
  config: GeneratorConfig,
  weights: TorchWeights,
  options: OnnxExportOptions,
): GeneratorRecording {
  if (!LITTLE_ENDIAN)
    throw new Error("ONNX export writes little-endian tensor data and needs a little-endian host");
  const g = new OnnxGraph(`ugatit_gen${options.direction}`);
  const [h, w]: [Dim, Dim] = config.light ? ["height", "width"] : [config.imgSize!, config.imgSize!];
  const quarter = (d: Dim) => (typeof d === "number" ? d / 4 : `${d}/4`);
  const x = g.input(ONNX_INPUT, DataType.FLOAT, ["batch", 3, h, w]);

  const params = new Map<string, Value>();
  const param = (name: string): Value => {
    const known = params.get(name);
    if (known) return known;
    const t = weights.get(name);
    if (!t) throw new Error(`model parameter ${name} is missing`);
    let value: Value;
    if (options.fp16) {
      const half = float32ToFloat16(t.data);
      g.initializer(name, DataType.FLOAT16, t.shape, new Uint8Array(half.buffer));
      value = g.op("Cast", [name], { to: DataType.FLOAT });
      g.dims.set(value, t.shape);
    } else {
      value = g.initializer(
        name,
        DataType.FLOAT,
        t.shape,
        new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      );
    }
    params.set(name, value);
    return value;
  };

  if (options.quantize && (options.fp16 || options.halfConvolutions))
    throw new Error("ONNX export: int8 combines with neither fp16 weights nor float16 convolutions");
  const int8 =
    options.quantize &&
    int8Ops(g, options.quantize, (filter) => (params.has(filter) ? weights.get(filter)?.data : undefined));
  const out = resnetGenerator(
    int8?.ops ?? onnxOps(g, { halfConvolutions: options.halfConvolutions ?? false }),
    param,
    config,
    x,
  );
  g.output(out.image, ONNX_OUTPUTS[0], DataType.FLOAT, ["batch", 3, h, w]);
  g.output(out.camLogit, ONNX_OUTPUTS[1], DataType.FLOAT, ["batch", 2]);
  g.output(out.heatmap, ONNX_OUTPUTS[2], DataType.FLOAT, ["batch", 1, quarter(h), quarter(w)]);
  if (options.quantize && "calibrate" in options.quantize) int8?.outputTaps();
  const parameters = [...weights.values()].reduce((n, t) => n + t.data.length, 0);
  return {
    graph: g,
    model: {
      producerName: "ugatit",
      producerVersion: "0.1.0",
      metadata: onnxMetadataProps({
        config,
        direction: options.direction,
        parameters,
        untrained: options.untrained ?? false,
        domains: options.domains ?? null,
        quantization: options.quantize && "moments" in options.quantize ? "int8" : "none",
      }),
    },
  };
}
