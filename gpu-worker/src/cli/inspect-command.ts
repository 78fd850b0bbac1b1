import { describeGenerator } from "@ugatit/model/architecture";
import {
  elementCount,
  inferDiscriminatorConfig,
  inferGeneratorConfig,
  openWeightFile,
  type WeightFile,
} from "@ugatit/model/checkpoints";
import { isOnnxFile, readOnnxFileInfo } from "../runtime/onnx/onnx-file.ts";
import { type CommandSpec, type OptionSpec, parseOptions } from "./command-spec.ts";
import type { NetworkSummary } from "./network-summary.ts";
import { tfGeneratorSummaries } from "./tf-generator-summary.ts";
import { UsageError } from "./usage-error.ts";

const options = {
  json: { type: "boolean", default: false, description: "print JSON instead of text" },
} satisfies Record<string, OptionSpec>;

export const INSPECT: CommandSpec<typeof options> = {
  name: "inspect",
  summary: "Shows what is in a checkpoint or an .onnx model: configuration, parameter counts, tensors.",
  synopsis: "FILE [--json]",
  positional: {
    name: "FILE",
    description:
      "a PyTorch checkpoint (.pt, .pth), a .safetensors file, a TensorFlow checkpoint, or an .onnx model",
  },
  options,
  examples: ["ugatit inspect model.pt", "ugatit inspect selfie2anime-A2B.onnx --json"],
  run: inspectCommand,
};

/**
 * Groups tensors by network: `genA2B.…` in an official dict or our safetensors, one bare network otherwise;
 * a TensorFlow checkpoint by top-level scope (`generator_B/…`), leaving out the Adam slots.
 */
function networks(file: WeightFile): Map<string, Map<string, number[]>> {
  const groups = new Map<string, Map<string, number[]>>();
  const tf = file.format === "tf-bundle";
  for (const info of file.tensors.values()) {
    if (tf && /\/Adam(_1)?$/.test(info.name)) continue;
    const match = tf
      ? /^([^/]+)\/(.+)$/.exec(info.name)
      : /^(gen(?:A2B|B2A)|dis[GL][AB])\.(.+)$/.exec(info.name);
    const [network, key] = match
      ? [match[1] as string, match[2] as string]
      : [tf ? "(top level)" : "(bare state_dict)", info.name];
    if (!groups.has(network)) groups.set(network, new Map());
    groups.get(network)?.set(key, info.shape);
  }
  return groups;
}

function summarise(
  name: string,
  shapes: Map<string, number[]>,
  format: WeightFile["format"],
): NetworkSummary {
  const parameters = [...shapes.entries()]
    .filter(([key]) => !/\.weight_[uv]$/.test(key)) // spectral norm's power-iteration state is not a parameter
    .reduce((n, [, shape]) => n + elementCount(shape), 0);
  if (shapes.has("DownBlock.1.weight")) {
    const config = inferGeneratorConfig(shapes);
    return {
      name,
      kind: "generator",
      config: { ...config },
      description: `generator, ${describeGenerator(config)}`,
      parameters,
    };
  }
  if (shapes.has("model.1.weight_orig")) {
    const config = inferDiscriminatorConfig(shapes);
    const scope = config.nLayers === 7 ? "global" : config.nLayers === 5 ? "local" : "custom";
    return {
      name,
      kind: "discriminator",
      config: { ...config },
      description: `${scope} discriminator, ndf ${config.ndf}, n_layers ${config.nLayers}`,
      parameters,
    };
  }
  // A TensorFlow scope is listed as what it is; which scopes make a U-GAT-IT generator is the loader's call.
  const description = format === "tf-bundle" ? "TensorFlow variables" : "not a U-GAT-IT network";
  return { name, kind: "unknown", config: null, description, parameters };
}

/** `ugatit inspect`: the format, each network's configuration and parameter count, and the tensor list. */
async function inspectCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(INSPECT, argv);
  if (positionals.length !== 1) throw new UsageError("give exactly one checkpoint file");
  if (isOnnxFile(positionals[0] as string)) return inspectOnnx(positionals[0] as string, values.json);
  const file = await openWeightFile(positionals[0] as string);
  try {
    const grouped = [...networks(file)].map(([name, shapes]) => summarise(name, shapes, file.format));
    const tfGenerators = await tfGeneratorSummaries(
      file,
      (scope) => grouped.find((s) => s.name === scope)?.parameters ?? 0,
    );
    // a TF generator is shown as loading reads it, in its scope's place (or added, when not grouped by scope)
    const summaries = [
      ...grouped.map((s) => tfGenerators.get(s.name) ?? s),
      ...[...tfGenerators.values()].filter((t) => !grouped.some((s) => s.name === t.name)),
    ];
    // Types the weight layer cannot read are shown by the file's own name for them (`int64`, `string`).
    const tensors = [...file.tensors.values()].map((t) => ({
      name: t.name,
      shape: t.shape,
      dtype: t.dtype === "unsupported" ? t.storedAs : t.dtype,
    }));
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ file: positionals[0], format: file.format, metadata: file.metadata, networks: summaries, tensors })}\n`,
      );
      return 0;
    }
    const lines = [`${positionals[0]}: ${file.format}, ${tensors.length} tensors`];
    for (const s of summaries)
      lines.push(`  ${s.name}: ${s.description}, ${s.parameters.toLocaleString("en-US")} parameters`);
    lines.push("tensors:");
    for (const t of tensors) lines.push(`  ${t.name} [${t.shape.join(", ")}] ${t.dtype}`);
    process.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  } finally {
    await file.close();
  }
}

/** An exported ONNX model: the generator its metadata describes. */
async function inspectOnnx(path: string, json: boolean): Promise<number> {
  const info = await readOnnxFileInfo(path);
  const description = `gen${info.direction}: generator, ${describeGenerator(info.config)}, ${info.parameters.toLocaleString("en-US")} parameters`;
  process.stdout.write(
    json
      ? `${JSON.stringify({ file: path, format: "onnx", direction: info.direction, config: info.config, parameters: info.parameters, untrained: info.untrained, quantization: info.quantization })}\n`
      : `${path}: onnx${info.quantization === "int8" ? ", int8 convolutions" : ""}\n  ${description}\n`,
  );
  return 0;
}
