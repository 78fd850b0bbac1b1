import { extname } from "node:path";
import { convertCheckpoint, type Direction, describeGenerator } from "@ugatit/shared/weights";
import { oneOf, parseCommandLine, required } from "./args.ts";
import { assertOutputFolder } from "./files.ts";
import { UsageError } from "./usage-error.ts";

export const CONVERT_USAGE =
  "ugatit convert --checkpoint <in> --output <out.safetensors> [--direction A2B|B2A|both] [--fp16]";

/** `ugatit convert`: a checkpoint's generators to the project's safetensors, configuration in the metadata. */
export async function convertCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(argv, {
    checkpoint: { type: "string" },
    output: { type: "string" },
    direction: { type: "string" },
    fp16: { type: "boolean", default: false },
  });
  const checkpoint = required(values.checkpoint, "checkpoint");
  const output = required(values.output, "output");
  if (extname(output).toLowerCase() !== ".safetensors") {
    throw new UsageError(`--output must end in .safetensors, got ${output}`);
  }
  const direction =
    values.direction === undefined ? undefined : oneOf(values.direction, ["A2B", "B2A", "both"], "direction");
  const directions: Direction[] | undefined =
    direction === undefined || direction === "both" ? undefined : [direction];
  await assertOutputFolder(output, "--output");
  const result = await convertCheckpoint(checkpoint, output, {
    ...(directions ? { directions } : {}),
    fp16: values.fp16,
  });
  process.stdout.write(
    `${output}: ${result.directions.join(" + ")}, ${describeGenerator(result.config)}, ${values.fp16 ? "fp16" : "fp32"} (from ${result.source})\n`,
  );
  return 0;
}
