import { OFFICIAL_DEFAULTS } from "@ugatit/model/train";
import { runTraining } from "../train/run-training.ts";
import { oneOf, positiveInteger, required } from "./args.ts";
import { type CommandSpec, type OptionSpec, parseOptions } from "./command-spec.ts";
import { assertOutputFolder } from "./files.ts";
import { UsageError } from "./usage-error.ts";

function positiveNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${flag} must be a number ≥ 0, got "${value}"`);
  return n;
}

const D = OFFICIAL_DEFAULTS;
const options = {
  data: {
    type: "string",
    value: "DIR",
    description:
      "the data folder: trainA/ and trainB/ (PNG, JPEG or WebP, any size); testA/, testB/ for samples",
  },
  iterations: { type: "string", value: "N", description: "train up to this iteration; required" },
  init: {
    type: "string",
    value: "FILE",
    description:
      "start from this checkpoint's weights (official or ours) instead of PyTorch's initialisation",
  },
  resume: {
    type: "string",
    value: "FILE",
    description:
      "continue exactly where this training checkpoint left off (networks, optimisers, iteration, data order)",
  },
  deterministic: {
    type: "boolean",
    default: false,
    description: "file-name order, no shuffling, augmentation or decay: the official iteration alone",
  },
  size: {
    type: "string",
    value: "N",
    description: "the image side (at least 96; default: the checkpoint's, else the first training image's)",
  },
  light: { type: "boolean", default: false, description: "the light model (the official --light True)" },
  ch: { type: "string", value: "N", default: "64", description: "base channel count of every network (ngf)" },
  "n-res": { type: "string", value: "N", default: "4", description: "residual blocks in each generator" },
  lr: { type: "string", value: "X", default: String(D.lr), description: "Adam's learning rate" },
  "weight-decay": {
    type: "string",
    value: "X",
    default: String(D.weightDecay),
    description: "L2 term added to the gradient (torch.optim.Adam's, not AdamW)",
  },
  decay: {
    type: "string",
    value: "true|false",
    default: "true",
    description: "decay the learning rate linearly to 0 over the second half",
  },
  "adv-weight": {
    type: "string",
    value: "X",
    default: String(D.advWeight),
    description: "adversarial loss weight",
  },
  "cycle-weight": {
    type: "string",
    value: "X",
    default: String(D.cycleWeight),
    description: "cycle loss weight",
  },
  "identity-weight": {
    type: "string",
    value: "X",
    default: String(D.identityWeight),
    description: "identity loss weight",
  },
  "cam-weight": { type: "string", value: "X", default: String(D.camWeight), description: "CAM loss weight" },
  seed: {
    type: "string",
    value: "N",
    default: "0",
    description: "seed of the initialisation and the data order",
  },
  backend: {
    type: "string",
    value: "NAME",
    description: "tfjs-node-gpu, tfjs-node, wasm or cpu (default: the best installed)",
  },
  out: { type: "string", value: "DIR", description: "where samples and training checkpoints go" },
  "save-every": {
    type: "string",
    value: "N",
    default: "100000",
    description: "write a training checkpoint to --out every N iterations",
  },
  "sample-every": {
    type: "string",
    value: "N",
    default: "1000",
    description: "write A2B_/B2A_<iteration>.png sample pictures to --out every N iterations",
  },
  samples: { type: "string", value: "N", default: "5", description: "inputs per sample picture" },
  "print-every": {
    type: "string",
    value: "N",
    default: "1",
    description: "a progress line every N iterations",
  },
  log: { type: "string", value: "FILE", description: "every iteration's losses as JSON lines" },
  "export-pytorch": {
    type: "string",
    value: "FILE",
    description: "at the end, the official PyTorch zip checkpoint (what torch.load and UGATIT.py read)",
  },
  export: {
    type: "string",
    value: "FILE",
    description: "at the end, both generators for serving (fp16 .safetensors)",
  },
  "export-onnx": {
    type: "string",
    value: "DIR",
    description: "at the end, both generators as A2B.onnx and B2A.onnx in this folder",
  },
} satisfies Record<string, OptionSpec>;

export const TRAIN: CommandSpec<typeof options> = {
  name: "train",
  summary: "Trains U-GAT-IT on two unpaired image folders: the official UGATIT.py loop.",
  synopsis: "--data DIR --iterations N [options]",
  options,
  examples: [
    "ugatit train --data data --light --ch 64 --size 256 --iterations 100000 --out runs/mine --export runs/mine/model.safetensors",
    "ugatit train --data data --resume runs/mine/checkpoint_0050000.safetensors --iterations 100000 --out runs/mine",
  ],
  run: trainCommand,
};

/**
 * `ugatit train`: the official U-GAT-IT training loop. `--deterministic` takes trainA/trainB in file-name
 * order without shuffling, augmentation or learning-rate decay: the official iteration alone, as the
 * parity fixture runs it.
 */
async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(TRAIN, argv);
  const data = required(values.data, "data");
  const iterations = positiveInteger(required(values.iterations, "iterations"), "iterations") as number;
  if (values.init && values.resume) throw new UsageError("--init and --resume exclude each other");
  const size = positiveInteger(values.size, "size");
  for (const [flag, path] of [
    ["--log", values.log],
    ["--export-pytorch", values["export-pytorch"]],
    ["--export", values.export],
    ["--export-onnx", values["export-onnx"]],
  ] as const) {
    if (path) await assertOutputFolder(path, flag);
  }
  const decay = oneOf(values.decay, ["true", "false"], "decay") === "true" && !values.deterministic;
  const result = await runTraining({
    data,
    init: values.init,
    resume: values.resume,
    config: {
      ngf: positiveInteger(values.ch, "ch") as number,
      nBlocks: positiveInteger(values["n-res"], "n-res") as number,
      light: values.light,
      imgSize: values.light ? null : (size ?? 256),
    },
    size,
    deterministic: values.deterministic,
    seed: Number(values.seed),
    hyper: {
      iterations,
      lr: positiveNumber(values.lr, "lr"),
      weightDecay: positiveNumber(values["weight-decay"], "weight-decay"),
      decay,
      advWeight: positiveNumber(values["adv-weight"], "adv-weight"),
      cycleWeight: positiveNumber(values["cycle-weight"], "cycle-weight"),
      identityWeight: positiveNumber(values["identity-weight"], "identity-weight"),
      camWeight: positiveNumber(values["cam-weight"], "cam-weight"),
    },
    backend: values.backend,
    out: values.out,
    saveEvery: positiveInteger(values["save-every"], "save-every") as number,
    sampleEvery: positiveInteger(values["sample-every"], "sample-every") as number,
    samples: positiveInteger(values.samples, "samples") as number,
    printEvery: positiveInteger(values["print-every"], "print-every") as number,
    log: values.log,
    exportPytorch: values["export-pytorch"],
    export: values.export,
    exportOnnx: values["export-onnx"],
    report: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(
    `trained ${result.iterations} iterations at ${result.size}² on ${result.backend} in ${result.seconds.toFixed(1)} s (${(result.iterations / result.seconds).toFixed(2)} it/s)\n`,
  );
  return 0;
}
