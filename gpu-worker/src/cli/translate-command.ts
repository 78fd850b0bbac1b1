import { DIRECTIONS } from "@ugatit/contracts/directions";
import { heatmapToRgb } from "@ugatit/contracts/image";
import { decodeImage, encodeImage, formatFromPath } from "../image/index.ts";
import { loadTranslator } from "../runtime/create-translator.ts";
import { PRECISIONS } from "../runtime/translator.ts";
import { activeWebGpuAdapter } from "../runtime/webgpu/webgpu-adapter.ts";
import { oneOf, parseCommandLine, positiveInteger, required } from "./args.ts";
import { assertOutputFolder, readUserFile, writeFileAtomic } from "./files.ts";
import {
  composeResult,
  FRAMING_FLAGS,
  FRAMING_USAGE,
  framePhoto,
  framingChoice,
} from "./translate-framing.ts";

export const TRANSLATE_USAGE = `ugatit translate --checkpoint <file|file.onnx> --direction A2B|B2A --input <image> --output <file.png|.jpg|.webp> [--heatmap <file.png>] [--size N] [--backend NAME] [--precision fp32|fp16] ${FRAMING_USAGE} [--json]`;

/** The adapter in words for the human-readable line, on the webgpu backend. */
function adapterNote(backend: string): string {
  const adapter = backend === "webgpu" ? activeWebGpuAdapter() : undefined;
  return adapter ? ` [${adapter.vendor} ${adapter.driver}${adapter.software ? ", software" : ""}]` : "";
}

/** `ugatit translate`: one image through one generator, written as an image file (and its attention map). */
export async function translateCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(argv, {
    checkpoint: { type: "string" },
    direction: { type: "string" },
    input: { type: "string" },
    output: { type: "string" },
    heatmap: { type: "string" },
    size: { type: "string" },
    backend: { type: "string" },
    precision: { type: "string", default: "fp32" },
    json: { type: "boolean", default: false },
    ...FRAMING_FLAGS,
  });
  const checkpoint = required(values.checkpoint, "checkpoint");
  const direction = oneOf(required(values.direction, "direction"), DIRECTIONS, "direction");
  const inputPath = required(values.input, "input");
  const outputPath = required(values.output, "output");
  const size = positiveInteger(values.size, "size");
  const precision = oneOf(values.precision, PRECISIONS, "precision");
  const outputFormat = formatFromPath(outputPath);
  const heatmapFormat = values.heatmap === undefined ? undefined : formatFromPath(values.heatmap);
  const choice = framingChoice(values);

  // Everything a user can get wrong is checked before the model is loaded.
  await assertOutputFolder(outputPath, "--output");
  if (values.heatmap !== undefined) await assertOutputFolder(values.heatmap, "--heatmap");
  const photo = await decodeImage(
    await readUserFile(inputPath, "--input"),
    {},
    { orient: choice.mode !== "fit" },
  );
  const framed = await framePhoto(photo, choice);

  const translator = await loadTranslator({
    checkpoint,
    direction,
    size,
    backend: values.backend,
    precision,
  });
  try {
    const started = performance.now();
    const [result] = await translator.translate([framed.modelInput]);
    const inferenceMs = performance.now() - started;
    if (!result) throw new Error("the model returned no result");

    const image = await composeResult(photo, result.image, framed, choice.compose);
    await writeFileAtomic(outputPath, await encodeImage(image.data, image.width, image.height, outputFormat));
    if (values.heatmap !== undefined && heatmapFormat !== undefined) {
      const colours = heatmapToRgb(result.heatmap, result.heatmapSide, translator.size);
      await writeFileAtomic(
        values.heatmap,
        await encodeImage(colours, translator.size, translator.size, heatmapFormat),
      );
    }

    const report = {
      output: outputPath,
      heatmap: values.heatmap ?? null,
      direction,
      cam_logit: result.camLogit,
      backend: translator.backend,
      ...(translator.executionProvider ? { execution_provider: translator.executionProvider } : {}),
      precision: translator.precision,
      ...(translator.backend === "webgpu" ? { adapter: activeWebGpuAdapter() } : {}),
      size: translator.size,
      light: translator.config.light,
      inference_ms: Math.round(inferenceMs * 10) / 10,
      framing: framed.result,
      compose: choice.compose,
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
    } else {
      process.stdout.write(
        `${outputPath}: ${direction} ${translator.size}×${translator.size} on ${translator.backend}${translator.executionProvider ? ` (${translator.executionProvider})` : ""}${adapterNote(translator.backend)} in ${report.inference_ms} ms, cam_logit [${result.camLogit.map((v) => v.toFixed(4)).join(", ")}]\n`,
      );
    }
    return 0;
  } finally {
    translator.dispose();
  }
}
