import { mkdir, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { DIRECTIONS, type Direction } from "@ugatit/contracts/directions";
import { heatmapToRgb, IMAGE_FORMAT_NAMES, type ImageFormat } from "@ugatit/contracts/image";
import { CATALOGUE, catalogueLines, DEMO_MODEL, resolveCatalogueModel } from "../catalogue/catalogue.ts";
import { type DecodedImage, decodeImage, encodeImage, formatFromPath } from "../image/index.ts";
import { BACKEND_NAMES } from "../runtime/backends.ts";
import { loadTranslator } from "../runtime/create-translator.ts";
import { PRECISIONS, type Translator } from "../runtime/translator.ts";
import { activeWebGpuAdapter } from "../runtime/webgpu/webgpu-adapter.ts";
import { oneOf, positiveInteger, required, tfVersionOption } from "./args.ts";
import { type CommandSpec, type OptionSpec, parseOptions } from "./command-spec.ts";
import {
  assertOutputFolder,
  assertStdoutTakesBytes,
  readStdin,
  readUserFile,
  writeFileAtomic,
  writeStdout,
} from "./files.ts";
import { listImages, outputName } from "./image-folder.ts";
import { progress } from "./progress.ts";
import {
  composeResult,
  type FramedPhoto,
  type FramingChoice,
  framePhoto,
  framingChoice,
} from "./translate-framing.ts";
import { UsageError } from "./usage-error.ts";

const STDIO = "-";
const FORMATS = Object.keys(IMAGE_FORMAT_NAMES) as ImageFormat[];

const options = {
  model: {
    type: "string",
    value: "NAME",
    description: `a model the project names: ${CATALOGUE.map((m) => m.name).join(", ")} (default ${DEMO_MODEL.name}, unless --checkpoint is given)`,
  },
  checkpoint: {
    type: "string",
    value: "FILE",
    description:
      "a checkpoint instead: PyTorch (.pt, .pth), .safetensors, a TensorFlow checkpoint (prefix, .index, folder or zip; docs/CHECKPOINTS.md), or an .onnx from ugatit convert",
  },
  direction: {
    type: "string",
    value: "A2B|B2A",
    description: "the generator: A2B (domain A to B) or B2A (back); required",
  },
  input: {
    type: "string",
    value: "FILE|DIR|-",
    description:
      "a PNG, JPEG or WebP image; a folder (its PNG, JPEG and WebP files, the model loaded once); - for standard input",
  },
  output: {
    type: "string",
    value: "FILE|DIR|-",
    description:
      "the translated image (.png, .jpg or .webp by extension); with a folder --input, a folder (created; the same file names); - for standard output",
  },
  format: {
    type: "string",
    value: "png|jpeg|webp",
    description: "the output format for --output - (default png) and in a folder (default: each input's own)",
  },
  heatmap: {
    type: "string",
    value: "FILE|DIR",
    description: "also write the attention heatmap (JET colours); with a folder --input, a folder of them",
  },
  size: {
    type: "string",
    value: "N",
    description:
      "the side a light model runs at: a multiple of 4 up to 2048 (default: a catalogue model's own, else 256); a full model's is fixed",
  },
  backend: {
    type: "string",
    value: "NAME",
    description: `${BACKEND_NAMES.join(", ")} (default: the best installed)`,
  },
  "tf-version": {
    type: "string",
    value: "head|legacy",
    description:
      "for a TensorFlow checkpoint: the official code's version, instead of the one read off the file (docs/SELFIE2ANIME.md)",
  },
  precision: {
    type: "string",
    value: "fp32|fp16",
    description: "float16 convolutions on the webgpu backend (its adapter needs shader-f16); default fp32",
  },
  framing: {
    type: "string",
    value: "fit|center|face",
    description:
      "what of the photo the model gets: fit (all of it, resized; default), center (the centred square), face (a square around the face; a photo without one fails)",
  },
  compose: {
    type: "string",
    value: "crop|paste",
    description:
      "the output: crop (the translated square; default) or paste (pasted back into the whole photo)",
  },
  json: {
    type: "boolean",
    default: false,
    description: "report as JSON instead of text (a line per image for a folder)",
  },
} satisfies Record<string, OptionSpec>;

type Values = ReturnType<typeof parseOptions<typeof options>>["values"];

export const TRANSLATE: CommandSpec<typeof options> = {
  name: "translate",
  summary: "Translates an image, a folder of images, or standard input, through one generator.",
  synopsis:
    "[--model NAME | --checkpoint FILE] --direction A2B|B2A --input FILE|DIR|- --output FILE|DIR|- [options]",
  details: [
    `Models: ${catalogueLines().join("; ")}.`,
    "An input of another size is resized (bilinear, as the official test transform); the output has the model's size. A file in a folder that fails is reported on stderr and skipped; the exit code is then 1.",
  ],
  options,
  examples: [
    "ugatit translate --direction A2B --input face.png --output face-A2B.png",
    "ugatit translate --direction A2B --input photos/ --output translated/ --heatmap attention/",
    "cat in.jpg | ugatit translate --checkpoint model.pt --direction B2A --input - --output - --format webp > out.webp",
  ],
  run: translateCommand,
};

/** The model's checkpoint and size: `--checkpoint` as given, else a catalogue model (the demo by default). */
interface ChosenModel {
  checkpoint: string;
  size: number | undefined;
}

async function chooseModel(values: Values): Promise<ChosenModel> {
  const size = positiveInteger(values.size, "size");
  if (values.checkpoint !== undefined) {
    if (values.model !== undefined) throw new UsageError("give --model or --checkpoint, not both");
    return { checkpoint: required(values.checkpoint, "checkpoint"), size };
  }
  const model = await resolveCatalogueModel(values.model ?? DEMO_MODEL.name);
  return { checkpoint: model.checkpoint, size: size ?? model.size };
}

async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/** `ugatit translate`: one image, a folder (the model loaded once), or stdin to stdout. */
async function translateCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(TRANSLATE, argv);
  const direction = oneOf(required(values.direction, "direction"), DIRECTIONS, "direction");
  const input = required(values.input, "input");
  const output = required(values.output, "output");
  const format = values.format === undefined ? undefined : oneOf(values.format, FORMATS, "format");
  if (values.heatmap === STDIO)
    throw new UsageError("--heatmap cannot be -: standard output is for --output");
  const choice = framingChoice(values);
  const model = await chooseModel(values);
  const run = { values, model, choice, direction, input, output, format };
  if (input !== STDIO && (await isFolder(input))) return translateFolder(run);
  if (output !== STDIO && (await isFolder(output))) {
    throw new UsageError(`--output ${output} is a folder: name a file, or give a folder --input`);
  }
  return translateOne(run);
}

/** What a run was asked for, with the model chosen and the framing read. */
interface TranslateRun {
  values: Values;
  model: ChosenModel;
  choice: FramingChoice;
  direction: Direction;
  input: string;
  output: string;
  format: ImageFormat | undefined;
}

/** The run's model loaded for its direction, on the backend and precision asked for. */
function loadRunTranslator({ values, model, direction }: TranslateRun): Promise<Translator> {
  return loadTranslator({
    ...model,
    direction,
    backend: values.backend,
    precision: oneOf(values.precision ?? "fp32", PRECISIONS, "precision"),
    tfVersion: tfVersionOption(values["tf-version"]),
  });
}

/** An image file's pixels, upright unless framed as a whole (fit), and the part the model sees. */
async function decodeFramed(bytes: Uint8Array, choice: FramingChoice) {
  const photo = await decodeImage(bytes, {}, { orient: choice.mode !== "fit" });
  return { photo, framed: await framePhoto(photo, choice) };
}

/** What a run reports about one image (text, or a JSON line). */
function report(
  translator: Translator,
  result: { camLogit: [number, number] },
  fields: {
    input: string;
    output: string;
    heatmap: string | null;
    direction: Direction;
    ms: number;
    framed: FramedPhoto;
    compose: FramingChoice["compose"];
  },
  json: boolean,
): string {
  if (json) {
    return `${JSON.stringify({
      input: fields.input,
      output: fields.output,
      heatmap: fields.heatmap,
      direction: fields.direction,
      cam_logit: result.camLogit,
      backend: translator.backend,
      ...(translator.executionProvider ? { execution_provider: translator.executionProvider } : {}),
      precision: translator.precision,
      ...(translator.backend === "webgpu" ? { adapter: activeWebGpuAdapter() } : {}),
      size: translator.size,
      light: translator.config.light,
      tf_version: translator.config.tfVersion ?? null,
      inference_ms: Math.round(fields.ms * 10) / 10,
      framing: fields.framed.result,
      compose: fields.compose,
    })}\n`;
  }
  const provider = translator.executionProvider ? ` (${translator.executionProvider})` : "";
  const adapter = translator.backend === "webgpu" ? activeWebGpuAdapter() : undefined;
  const device = adapter
    ? ` [${adapter.vendor} ${adapter.driver}${adapter.software ? ", software" : ""}]`
    : "";
  const logits = result.camLogit.map((v) => v.toFixed(4)).join(", ");
  return `${fields.output}: ${fields.direction} ${translator.size}×${translator.size} on ${translator.backend}${provider}${device} in ${Math.round(fields.ms * 10) / 10} ms, cam_logit [${logits}]\n`;
}

/** Translates a framed photo and encodes the result as `compose` asks; the heatmap's pixels too when asked for. */
async function translateImage(
  translator: Translator,
  photo: DecodedImage,
  framed: FramedPhoto,
  choice: FramingChoice,
  format: ImageFormat,
  heatmapFormat: ImageFormat | undefined,
) {
  const started = performance.now();
  const [result] = await translator.translate([framed.modelInput]);
  const ms = performance.now() - started;
  if (!result) throw new Error("the model returned no result");
  const image = await composeResult(photo, result.image, framed, choice.compose);
  const side = translator.size;
  return {
    result,
    ms,
    image: await encodeImage(image.data, image.width, image.height, format),
    heatmap:
      heatmapFormat === undefined
        ? undefined
        : await encodeImage(
            heatmapToRgb(result.heatmap, result.heatmapSide, side),
            side,
            side,
            heatmapFormat,
          ),
  };
}

async function translateOne(run: TranslateRun): Promise<number> {
  const { values, choice, direction, input, output, format } = run;
  // Everything a user can get wrong is checked before the model is loaded.
  let outputFormat: ImageFormat;
  if (output === STDIO) {
    assertStdoutTakesBytes();
    outputFormat = format ?? "png";
  } else {
    outputFormat = formatFromPath(output);
    if (format !== undefined && format !== outputFormat)
      throw new UsageError(`--format ${format} disagrees with --output ${output}`);
    await assertOutputFolder(output, "--output");
  }
  const heatmapFormat = values.heatmap === undefined ? undefined : formatFromPath(values.heatmap);
  if (values.heatmap !== undefined) await assertOutputFolder(values.heatmap, "--heatmap");
  const bytes = input === STDIO ? await readStdin() : await readUserFile(input, "--input");
  // a bad image, or no face in face framing, fails before the model loads
  const { photo, framed } = await decodeFramed(bytes, choice);

  const translator = await loadRunTranslator(run);
  try {
    const done = await translateImage(translator, photo, framed, choice, outputFormat, heatmapFormat);
    if (output === STDIO) await writeStdout(done.image);
    else await writeFileAtomic(output, done.image);
    if (values.heatmap !== undefined && done.heatmap) await writeFileAtomic(values.heatmap, done.heatmap);
    const line = report(
      translator,
      done.result,
      {
        input,
        output,
        heatmap: values.heatmap ?? null,
        direction,
        ms: done.ms,
        framed,
        compose: choice.compose,
      },
      values.json,
    );
    // with the image on stdout, the report goes to stderr
    (output === STDIO ? process.stderr : process.stdout).write(line);
    return 0;
  } finally {
    translator.dispose();
  }
}

/** A folder --output or --heatmap: another folder than the input's, in a folder that exists; created. */
async function prepareFolder(path: string, input: string, flag: string): Promise<void> {
  if (path === STDIO) throw new UsageError(`${flag} cannot be - with a folder --input`);
  if (resolve(path) === resolve(input)) throw new UsageError(`${flag} must be another folder than --input`);
  await assertOutputFolder(path, flag);
  await mkdir(path, { recursive: true });
}

async function translateFolder(run: TranslateRun): Promise<number> {
  const { values, choice, direction, input, output, format } = run;
  await prepareFolder(output, input, "--output");
  if (values.heatmap !== undefined) await prepareFolder(values.heatmap, input, "--heatmap");
  const files = await listImages(input);

  const translator = await loadRunTranslator(run);
  const bar = progress(files.length);
  let failed = 0;
  try {
    for (const file of files) {
      const target = outputName(file, output, format);
      const heatmap = values.heatmap === undefined ? undefined : outputName(file, values.heatmap, "png");
      try {
        const { photo, framed } = await decodeFramed(await readUserFile(file, "--input"), choice);
        const done = await translateImage(
          translator,
          photo,
          framed,
          choice,
          formatFromPath(target),
          heatmap === undefined ? undefined : "png",
        );
        await writeFileAtomic(target, done.image);
        if (heatmap && done.heatmap) await writeFileAtomic(heatmap, done.heatmap);
        if (values.json) {
          const fields = {
            input: file,
            output: target,
            heatmap: heatmap ?? null,
            direction,
            ms: done.ms,
            framed,
            compose: choice.compose,
          };
          process.stdout.write(report(translator, done.result, fields, true));
        }
        bar.step(file, { output: target });
      } catch (error) {
        failed += 1;
        const message = (error instanceof Error ? error.message : String(error)).split("\n")[0] as string;
        if (values.json) process.stdout.write(`${JSON.stringify({ input: file, error: message })}\n`);
        bar.step(file, { error: message });
      }
    }
  } finally {
    bar.finish();
    translator.dispose();
  }
  const summary = `translated ${files.length - failed} of ${files.length} images into ${output}`;
  process.stderr.write(`${summary}${failed ? `; ${failed} failed` : ""}\n`);
  return failed ? 1 : 0;
}
