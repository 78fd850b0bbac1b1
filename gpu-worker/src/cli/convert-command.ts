import { extname } from "node:path";
import { DIRECTIONS, type Direction } from "@ugatit/contracts/directions";
import { Framing } from "@ugatit/contracts/protocol";
import { describeGenerator, type GeneratorConfig, imageProcessingFor } from "@ugatit/model/architecture";
import { convertCheckpoint, loadGenerator } from "@ugatit/model/checkpoints";
import { exportGeneratorToOnnx } from "@ugatit/model/onnx";
import { InputSizeError, resolveInputSize } from "../runtime/input-size.ts";
import { describeQuantizationError, modelQuantizationErrors } from "../runtime/onnx/quantization-error.ts";
import { quantizeGenerator } from "../runtime/onnx/quantize-generator.ts";
import { FRAMING_METADATA_KEY } from "../server/models/load-generators.ts";
import { oneOf, positiveInteger, required, tfVersionOption } from "./args.ts";
import { readCalibrationImages } from "./calibration-images.ts";
import { type CommandSpec, type OptionSpec, parseOptions } from "./command-spec.ts";
import { assertOutputFolder, writeFileAtomic } from "./files.ts";
import { UsageError } from "./usage-error.ts";

const QUANTIZATIONS = ["int8"] as const;

/** The most calibration images the int8 model's error against float32 is measured on (evenly spaced). */
const ERROR_IMAGES = 16;

const FORMATS = ["safetensors", "onnx"] as const;
type Format = (typeof FORMATS)[number];

/** The side calibration images are resized to, as `translate --size` would run the model. */
function inputSize(config: GeneratorConfig, size: number | undefined): number {
  try {
    return resolveInputSize(config, size);
  } catch (error) {
    if (error instanceof InputSizeError) throw new UsageError(error.message);
    throw error;
  }
}

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
  "tf-version": {
    type: "string",
    value: "head|legacy",
    description:
      "for a TensorFlow checkpoint: the official code's version, instead of the one read off the file (docs/SELFIE2ANIME.md)",
  },
  fp16: {
    type: "boolean",
    default: false,
    description: "store float16 weights (half the file; ONNX widens them at load)",
  },
  quantize: {
    type: "string",
    value: "int8",
    description:
      "an ONNX model with int8 convolutions for ONNX Runtime's CPU provider, filters rounded on --calibration's images (docs/MODEL.md)",
  },
  calibration: {
    type: "string",
    value: "DIR",
    description: "with --quantize: a folder of images (PNG, JPEG, WebP) like those the model will translate",
  },
  size: {
    type: "string",
    value: "N",
    description: "with --quantize: the side calibration images are resized to (a light model's; default 256)",
  },
  "float-encoder": {
    type: "boolean",
    default: false,
    description:
      "with --quantize: keep the encoder's convolutions in float32 too (CAM logits exact, less of the speed-up)",
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
    "--checkpoint FILE --output FILE.safetensors|FILE.onnx [--format safetensors|onnx] [--direction A2B|B2A|both] [--fp16 | --quantize int8 --calibration DIR [--size N] [--float-encoder]] [--framing fit|center|face]",
  options,
  examples: [
    "ugatit convert --checkpoint model.pt --output model.safetensors --direction both --fp16",
    "ugatit convert --checkpoint model.pt --format onnx --direction A2B --output selfie2anime-A2B.onnx",
    "ugatit convert --checkpoint model.pt --output model-int8.onnx --quantize int8 --calibration photos/",
  ],
  run: convertCommand,
};

/**
 * `ugatit convert`: a checkpoint's generators to the project's safetensors (configuration in the metadata),
 * or one generator to an ONNX model built from the same model definition, in float32, fp16 weights, or
 * int8 convolutions whose filters are rounded on a folder of images.
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
  const tfVersion = tfVersionOption(values["tf-version"]);
  // The worker's default framing for the model (a selfie model: face), kept in the safetensors metadata.
  const framing =
    values.framing === undefined ? undefined : oneOf(values.framing, Framing.options, "framing");
  if (framing !== undefined && format === "onnx")
    throw new UsageError("--framing is declared in a .safetensors output only");
  const quantize =
    values.quantize === undefined ? undefined : oneOf(values.quantize, QUANTIZATIONS, "quantize");
  const size = positiveInteger(values.size, "size");
  if (quantize === undefined) {
    for (const flag of ["calibration", "size", "float-encoder"] as const)
      if (values[flag] !== undefined && values[flag] !== false)
        throw new UsageError(`--${flag} goes with --quantize int8`);
  } else {
    if (format !== "onnx") throw new UsageError("--quantize writes an ONNX model: --format onnx");
    if (values.fp16) throw new UsageError("--quantize int8 and --fp16 exclude each other");
    required(values.calibration, "calibration");
  }
  const precision = quantize ?? (values.fp16 ? "fp16" : "fp32");
  await assertOutputFolder(output, "--output");
  const calibration =
    values.calibration === undefined ? undefined : await readCalibrationImages(values.calibration);

  if (format === "onnx") {
    if (direction === "both")
      throw new UsageError("an ONNX model holds one generator: --direction A2B or B2A");
    // a bare state_dict gives its generator for either direction, and is served as A2B
    const chosen: Direction = direction ?? "A2B";
    const { config, weights, source, untrained, domains } = await loadGenerator(checkpoint, chosen, {
      tfVersion,
    });
    const base = { direction: chosen, untrained, domains };
    let model: Uint8Array;
    if (calibration) {
      const side = inputSize(config, size);
      model = await quantizeGenerator(config, weights, {
        ...base,
        images: calibration,
        size: side,
        floatEncoder: values["float-encoder"],
      });
      // measured before writing, so that a model that cannot run writes nothing
      const sample = evenlySpaced(calibration, ERROR_IMAGES);
      const [error] = await modelQuantizationErrors(
        exportGeneratorToOnnx(config, weights, base),
        [model],
        sample,
        side,
        imageProcessingFor(config),
      );
      process.stderr.write(
        `int8 against float32 on ${sample.length} of the ${calibration.length} calibration images at ${side}²: ${describeQuantizationError(error!)}\n`,
      );
    } else {
      model = exportGeneratorToOnnx(config, weights, { ...base, fp16: values.fp16 });
    }
    await writeFileAtomic(output, model);
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
    tfVersion,
  });
  process.stdout.write(
    `${output}: ${result.directions.join(" + ")}, ${describeGenerator(result.config)}, ${precision} (from ${result.source})\n`,
  );
  return 0;
}

/** At most `count` of `items`, spread evenly over them, in order. */
function evenlySpaced<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]!);
}
