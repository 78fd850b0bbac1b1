import { extname } from "node:path";
import { DIRECTIONS, type Direction } from "@ugatit/contracts/directions";
import { Framing } from "@ugatit/contracts/protocol";
import { describeGenerator } from "@ugatit/model/architecture";
import { convertCheckpoint, loadGenerator } from "@ugatit/model/checkpoints";
import { exportGeneratorToOnnx } from "@ugatit/model/onnx";
import { FRAMING_METADATA_KEY } from "../server/models/load-generators.ts";
import { oneOf, required } from "./args.ts";
import { type CommandSpec, type OptionSpec, parseOptions } from "./command-spec.ts";
import { assertOutputFolder, writeFileAtomic } from "./files.ts";
import { UsageError } from "./usage-error.ts";

const FORMATS = ["safetensors", "onnx"] as const;
type Format = (typeof FORMATS)[number];

/** The format asked for, or the output's extension; the two must agree. */
function outputFormat(output: string, requested: string | undefined): Format {
  const extension = extname(output).toLowerCase().slice(1);
  const format = requested === undefined ? undefined : oneOf(requested, FORMATS, "format");
  if (format !== undefined && extension !== format) {
    throw new UsageError(`--output must end in .${format} for --format ${format}, got ${output}`);
  }
  if (!(FORMATS as readonly string[]).includes(extension)) {
    throw new UsageError(`--output must end in .safetensors or .onnx, got ${output}`);
  }
  return extension as Format;
}

const options = {
  checkpoint: {
    type: "string",
    value: "FILE",
    description:
      "the checkpoint to read: PyTorch (.pt, .pth; zip or legacy), .safetensors, or a TensorFlow checkpoint (docs/CHECKPOINTS.md)",
  },
  output: {
    type: "string",
    value: "FILE",
    description: "where to write: .safetensors (configuration in its metadata) or .onnx (one generator)",
  },
  format: {
    type: "string",
    value: "safetensors|onnx",
    description: "the output format; must agree with --output's extension (default: that extension's)",
  },
  direction: {
    type: "string",
    value: "A2B|B2A|both",
    description: "which generators: both (default for safetensors) or one; ONNX holds one (default A2B)",
  },
  fp16: {
    type: "boolean",
    default: false,
    description: "store float16 weights (half the file; ONNX widens them at load)",
  },
  framing: {
    type: "string",
    value: "fit|center|face",
    description:
      "the worker's default framing for this model (a selfie model: face), in .safetensors metadata only",
  },
} satisfies Record<string, OptionSpec>;

export const CONVERT: CommandSpec<typeof options> = {
  name: "convert",
  summary: "Converts a checkpoint to the project's safetensors, or one generator to ONNX (opset 17).",
  synopsis:
    "--checkpoint FILE --output FILE.safetensors|FILE.onnx [--format safetensors|onnx] [--direction A2B|B2A|both] [--fp16] [--framing fit|center|face]",
  options,
  examples: [
    "ugatit convert --checkpoint model.pt --output model.safetensors --direction both --fp16",
    "ugatit convert --checkpoint model.pt --format onnx --direction A2B --output selfie2anime-A2B.onnx",
  ],
  run: convertCommand,
};

/**
 * `ugatit convert`: a checkpoint's generators to the project's safetensors (configuration in the metadata),
 * or one generator to an ONNX model built from the same model definition.
 */
async function convertCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(CONVERT, argv);
  const checkpoint = required(values.checkpoint, "checkpoint");
  const output = required(values.output, "output");
  const format = outputFormat(output, values.format);
  const direction =
    values.direction === undefined
      ? undefined
      : oneOf(values.direction, [...DIRECTIONS, "both"], "direction");
  const precision = values.fp16 ? "fp16" : "fp32";
  // The worker's default framing for the model (a selfie model: face), kept in the safetensors metadata.
  const framing =
    values.framing === undefined ? undefined : oneOf(values.framing, Framing.options, "framing");
  if (framing !== undefined && format === "onnx")
    throw new UsageError("--framing is declared in a .safetensors output only");
  await assertOutputFolder(output, "--output");

  if (format === "onnx") {
    if (direction === "both")
      throw new UsageError("an ONNX model holds one generator: --direction A2B or B2A");
    // a bare state_dict gives its generator for either direction, and is served as A2B
    const chosen: Direction = direction ?? "A2B";
    const { config, weights, source, untrained, domains } = await loadGenerator(checkpoint, chosen);
    await writeFileAtomic(
      output,
      exportGeneratorToOnnx(config, weights, { direction: chosen, fp16: values.fp16, untrained, domains }),
    );
    process.stdout.write(
      `${output}: ${chosen}, ${describeGenerator(config)}, ${precision} ONNX (from ${source})\n`,
    );
    return 0;
  }

  const directions: Direction[] | undefined =
    direction === undefined || direction === "both" ? undefined : [direction];
  const result = await convertCheckpoint(checkpoint, output, {
    ...(directions ? { directions } : {}),
    fp16: values.fp16,
    ...(framing ? { metadata: { [FRAMING_METADATA_KEY]: framing } } : {}),
  });
  process.stdout.write(
    `${output}: ${result.directions.join(" + ")}, ${describeGenerator(result.config)}, ${precision} (from ${result.source})\n`,
  );
  return 0;
}
