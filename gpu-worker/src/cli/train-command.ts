import { OFFICIAL_DEFAULTS } from "@ugatit/model/train";
import { runTraining } from "../train/run-training.ts";
import { oneOf, parseCommandLine, positiveInteger, required } from "./args.ts";
import { assertOutputFolder } from "./files.ts";
import { UsageError } from "./usage-error.ts";

export const TRAIN_USAGE = `ugatit train --data <dir with trainA/ trainB/> --iterations N [--init <checkpoint>] [--resume <checkpoint>]
      [--deterministic] [--size N] [--light] [--ch 64] [--n-res 4] [--lr 1e-4] [--weight-decay 1e-4] [--decay true|false]
      [--adv-weight 1] [--cycle-weight 10] [--identity-weight 10] [--cam-weight 1000] [--seed 0] [--backend name]
      [--out <dir>] [--save-every 100000] [--sample-every 1000] [--samples 5] [--print-every 1]
      [--log <losses.jsonl>] [--export-pytorch <out.pt>] [--export <model.safetensors>]
      [--export-onnx <folder for A2B.onnx and B2A.onnx>]`;

function positiveNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${flag} must be a number ≥ 0, got "${value}"`);
  return n;
}

/**
 * `ugatit train`: the official U-GAT-IT training loop. `--deterministic` takes trainA/trainB in file-name
 * order without shuffling, augmentation or learning-rate decay: the official iteration alone, as the
 * parity fixture runs it.
 */
export async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(argv, {
    data: { type: "string" },
    iterations: { type: "string" },
    init: { type: "string" },
    resume: { type: "string" },
    deterministic: { type: "boolean", default: false },
    size: { type: "string" },
    light: { type: "boolean", default: false },
    ch: { type: "string", default: "64" },
    "n-res": { type: "string", default: "4" },
    lr: { type: "string", default: String(OFFICIAL_DEFAULTS.lr) },
    "weight-decay": { type: "string", default: String(OFFICIAL_DEFAULTS.weightDecay) },
    decay: { type: "string", default: "true" },
    "adv-weight": { type: "string", default: String(OFFICIAL_DEFAULTS.advWeight) },
    "cycle-weight": { type: "string", default: String(OFFICIAL_DEFAULTS.cycleWeight) },
    "identity-weight": { type: "string", default: String(OFFICIAL_DEFAULTS.identityWeight) },
    "cam-weight": { type: "string", default: String(OFFICIAL_DEFAULTS.camWeight) },
    seed: { type: "string", default: "0" },
    backend: { type: "string" },
    out: { type: "string" },
    "save-every": { type: "string", default: "100000" },
    "sample-every": { type: "string", default: "1000" },
    samples: { type: "string", default: "5" },
    "print-every": { type: "string", default: "1" },
    log: { type: "string" },
    "export-pytorch": { type: "string" },
    export: { type: "string" },
    "export-onnx": { type: "string" },
  });
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
