/**
 * @module Training checkpoints in the project's format: safetensors holding all six networks under
 * their official names (`genA2B.FC.0.weight`, `disGA.model.1.weight_u`, …), both optimisers' moments
 * (`optimizer.G.exp_avg.genA2B.FC.0.weight`, …), the generator config as `__metadata__.ugatit` (so
 * `ugatit translate` and `convert` read them) and the run's state as `__metadata__.ugatit_training`.
 */
import * as tf from "@tensorflow/tfjs-core";
import { DIRECTIONS } from "@ugatit/contracts/directions";
import type { ModelDomains } from "@ugatit/contracts/domains";
import {
  type GeneratorConfig,
  type TorchTensor,
  toTfLayout,
  toTorchLayout,
} from "@ugatit/model/architecture";
import {
  openWeightFile,
  type SafetensorsTensor,
  UGATIT_METADATA_KEY,
  type UgatitMetadata,
  writeSafetensors,
} from "@ugatit/model/checkpoints";
import {
  type AdamState,
  type NetworkName,
  type NetworkWeights,
  networkShapes,
  type TrainingHyperparameters,
  type UgatitTrainer,
} from "@ugatit/model/train";

export const TRAINING_METADATA_KEY = "ugatit_training";

/** What a run needs besides tensors to continue exactly. */
export interface TrainingState {
  iteration: number;
  size: number;
  seed: number;
  deterministic: boolean;
  hyperparameters: TrainingHyperparameters;
  adamSteps: { G: number; D: number };
}

/** Spectral norm keeps weight_orig, u and v in PyTorch's layout; every other tensor has a TF layout. */
const KEPT_IN_TORCH_LAYOUT = /\.(weight_orig|weight_u|weight_v)$/;

function toTorch(name: string, t: tf.Tensor, shape: number[]): Promise<TorchTensor> {
  if (KEPT_IN_TORCH_LAYOUT.test(name)) {
    return t.data().then((d) => ({ shape, data: new Float32Array(d as Float32Array) }));
  }
  return toTorchLayout(name, t, shape);
}

function fromTorch(name: string, t: TorchTensor): tf.Tensor {
  return KEPT_IN_TORCH_LAYOUT.test(name) ? tf.tensor(t.data, t.shape) : toTfLayout(name, t);
}

/** `genA2B.FC.0.weight` → its network's state_dict shape. */
function shapeLookup(config: GeneratorConfig): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [net, shapes] of networkShapes(config)) {
    for (const [key, shape] of shapes) out.set(`${net}.${key}`, shape);
  }
  return out;
}

/** Writes networks, optimiser moments, state and the domains' names (when known), atomically. */
export async function saveCheckpoint(
  path: string,
  trainer: UgatitTrainer,
  state: Omit<TrainingState, "adamSteps" | "iteration">,
  domains: ModelDomains | null,
): Promise<void> {
  const config = trainer.networks.config;
  const shapes = shapeLookup(config);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [net, dict] of await trainer.networks.toWeights(networkShapes(config))) {
    for (const [key, t] of dict) tensors.set(`${net}.${key}`, t);
  }
  for (const [group, adam] of [
    ["G", trainer.gOptimizer],
    ["D", trainer.dOptimizer],
  ] as const) {
    for (const [moment, map] of [
      ["exp_avg", adam.expAvg],
      ["exp_avg_sq", adam.expAvgSq],
    ] as const) {
      for (const [name, t] of map) {
        tensors.set(
          `optimizer.${group}.${moment}.${name}`,
          await toTorch(name, t, shapes.get(name) ?? t.shape),
        );
      }
    }
  }
  const training: TrainingState = {
    ...state,
    iteration: trainer.iteration,
    adamSteps: { G: trainer.gOptimizer.step, D: trainer.dOptimizer.step },
  };
  const ugatit: UgatitMetadata = {
    ngf: config.ngf,
    n_blocks: config.nBlocks,
    light: config.light,
    img_size: config.imgSize,
    directions: [...DIRECTIONS],
    ...(domains ? { domains } : {}),
  };
  await writeSafetensors(path, tensors, {
    [UGATIT_METADATA_KEY]: JSON.stringify(ugatit),
    [TRAINING_METADATA_KEY]: JSON.stringify(training),
  });
}

export interface LoadedCheckpoint {
  config: GeneratorConfig;
  weights: NetworkWeights;
  state: TrainingState;
  optimizer: { G: AdamState; D: AdamState };
}

/** Reads a checkpoint written by {@link saveCheckpoint}. */
export async function loadCheckpoint(path: string): Promise<LoadedCheckpoint> {
  const file = await openWeightFile(path);
  try {
    const rawState = file.metadata[TRAINING_METADATA_KEY];
    const rawConfig = file.metadata[UGATIT_METADATA_KEY];
    if (!rawState || !rawConfig) throw new Error(`${file.file} is not a training checkpoint of ugatit train`);
    const state = JSON.parse(rawState) as TrainingState;
    const meta = JSON.parse(rawConfig) as {
      ngf: number;
      n_blocks: number;
      light: boolean;
      img_size: number | null;
    };
    const config: GeneratorConfig = {
      ngf: meta.ngf,
      nBlocks: meta.n_blocks,
      light: meta.light,
      imgSize: meta.img_size,
    };
    const weights: NetworkWeights = new Map();
    for (const [net, shapes] of networkShapes(config)) {
      const dict = new Map<string, TorchTensor>();
      for (const [key, shape] of shapes) dict.set(key, { shape, data: await file.read(`${net}.${key}`) });
      weights.set(net as NetworkName, dict);
    }
    const optimizer = { G: emptyState(state.adamSteps.G), D: emptyState(state.adamSteps.D) };
    for (const name of file.tensors.keys()) {
      const match = /^optimizer\.(G|D)\.(exp_avg|exp_avg_sq)\.(.*)$/.exec(name);
      if (!match) continue;
      const [, group, moment, param] = match as unknown as [string, "G" | "D", string, string];
      const info = file.tensors.get(name)!;
      const t = fromTorch(param, { shape: info.shape, data: await file.read(name) });
      (moment === "exp_avg" ? optimizer[group].expAvg : optimizer[group].expAvgSq).set(param, t);
    }
    return { config, weights, state, optimizer };
  } finally {
    await file.close();
  }
}

function emptyState(step: number): AdamState {
  return { step, expAvg: new Map(), expAvgSq: new Map() };
}
