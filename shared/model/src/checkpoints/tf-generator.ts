/**
 * @module A generator of the official TensorFlow code (taki0112/UGATIT) in a weight file: its variables
 * under `generator_B/` (A2B) or `generator_A/` (B2A), mapped to the model's parameters in PyTorch's
 * layouts, its configuration read off their shapes and its code version off their presence and values.
 */
import type { Direction } from "@ugatit/contracts/directions";
import type { GeneratorConfig, TfVersion } from "../architecture/config.ts";
import { describeGenerator, generatorParamShapes } from "../architecture/generator-spec.ts";
import { CheckpointError, formatShape, unsupportedDtype } from "./errors.ts";
import type { WeightFile } from "./weight-file.ts";

/** `generate_a2b` builds its generator in scope `generator_B`, `generate_b2a` in `generator_A`. */
export const TF_GENERATOR_SCOPES: Record<Direction, string> = { A2B: "generator_B", B2A: "generator_A" };

/** AdaLIN's rho as the legacy code initialised and clipped it; HEAD's lies in [0, 1]. */
const LEGACY_RHO_MAX = Math.fround(0.9);

/**
 * How a TF variable becomes a model parameter: `hwio` conv kernels [kh, kw, in, out] → [out, in, kh, kw];
 * `dense` kernels [in, out] → [out, in]; `same` keeps the element order (vectors, rho [C] → [1, C, 1, 1]).
 */
export type TfLayout = "hwio" | "dense" | "same";

export interface TfSource {
  variable: string;
  layout: TfLayout;
}

/** The model parameter → TF variable table, for one config (`UGATIT.py` `generator`, `ops.py`). */
export function tfVariables(config: GeneratorConfig): Map<string, TfSource> {
  const table = new Map<string, TfSource>();
  const conv = (name: string, scope: string) => {
    table.set(`${name}.weight`, { variable: `${scope}/conv2d/kernel`, layout: "hwio" });
    table.set(`${name}.bias`, { variable: `${scope}/conv2d/bias`, layout: "same" });
  };
  const instanceNorm = (name: string, scope: string) => {
    table.set(`${name}.weight`, { variable: `${scope}/gamma`, layout: "same" });
    table.set(`${name}.bias`, { variable: `${scope}/beta`, layout: "same" });
  };
  const dense = (name: string, scope: string) => {
    table.set(`${name}.weight`, { variable: `${scope}/kernel`, layout: "dense" });
    table.set(`${name}.bias`, { variable: `${scope}/bias`, layout: "same" });
  };
  conv("DownBlock.1", "conv");
  instanceNorm("DownBlock.2", "ins_norm");
  conv("DownBlock.5", "conv_0");
  instanceNorm("DownBlock.6", "ins_norm_0");
  conv("DownBlock.9", "conv_1");
  instanceNorm("DownBlock.10", "ins_norm_1");
  for (let i = 0; i < config.nBlocks; i++) {
    const block = `DownBlock.${12 + i}.conv_block`;
    conv(`${block}.1`, `resblock_${i}/res1/conv_0`);
    instanceNorm(`${block}.2`, `resblock_${i}/res1/instance_norm`);
    conv(`${block}.5`, `resblock_${i}/res2/conv_0`);
    instanceNorm(`${block}.6`, `resblock_${i}/res2/instance_norm`);
  }
  dense("CAM_logit", "CAM_logit");
  if (config.tfVersion === "legacy") dense("CAM_logit.dense", "CAM_logit/dense");
  conv("conv1x1", "conv_1x1");
  dense("FC.0", "MLP/linear_0/dense");
  dense("FC.2", "MLP/linear_1/dense");
  dense("gamma", "MLP/gamma/dense");
  dense("beta", "MLP/beta/dense");
  for (let i = 0; i < config.nBlocks; i++) {
    for (const j of [1, 2]) {
      conv(`UpBlock1_${i + 1}.conv${j}`, `adaptive_resblock${i}/res${j}/conv_0`);
      table.set(`UpBlock1_${i + 1}.norm${j}.rho`, {
        variable: `adaptive_resblock${i}/res${j}/instance_layer_norm/rho`,
        layout: "same",
      });
    }
  }
  for (const [up, iln, scope] of [
    ["UpBlock2.2", "UpBlock2.3", "0"],
    ["UpBlock2.7", "UpBlock2.8", "1"],
  ] as const) {
    conv(up, `up_conv_${scope}`);
    for (const p of ["rho", "gamma", "beta"]) {
      table.set(`${iln}.${p}`, { variable: `layer_ins_norm_${scope}/${p}`, layout: "same" });
    }
  }
  conv("UpBlock2.11", "G_logit");
  return table;
}

/** The TF shape a parameter of PyTorch shape `shape` is stored with. */
export function tfShape(layout: TfLayout, shape: number[], variable: string): number[] {
  if (layout === "hwio") {
    const [out = 0, inputs = 0, kh = 0, kw = 0] = shape;
    return [kh, kw, inputs, out];
  }
  if (layout === "dense") return [shape[1] ?? 0, shape[0] ?? 0];
  // rho, gamma, beta of the ILNs are [1, C, 1, 1] in the model, [C] in TF
  return /\/(rho|gamma|beta)$/.test(variable) && shape.length === 4 ? [shape[1] ?? 0] : shape;
}

/** `data` of TF shape `shape` in the layout the model keeps its parameter in. */
function toModelLayout(layout: TfLayout, shape: number[], data: Float32Array): Float32Array {
  if (layout === "same") return data;
  if (layout === "dense") {
    const [inputs = 0, out = 0] = shape;
    if (out === 1) return data; // a column is already its own transpose
    const result = new Float32Array(data.length);
    for (let i = 0; i < inputs; i++)
      for (let o = 0; o < out; o++) result[o * inputs + i] = data[i * out + o]!;
    return result;
  }
  const [kh = 0, kw = 0, inputs = 0, out = 0] = shape;
  const result = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < inputs; i++)
        for (let o = 0; o < out; o++)
          result[((o * inputs + i) * kh + y) * kw + x] = data[((y * kw + x) * inputs + i) * out + o]!;
  return result;
}

/** Whether the file holds a TF generator for the direction (any of its variables). */
export function hasTfGenerator(file: WeightFile, direction: Direction): boolean {
  const scope = `${TF_GENERATOR_SCOPES[direction]}/`;
  for (const name of file.tensors.keys()) if (name.startsWith(scope)) return true;
  return false;
}

/** Whether the file names its tensors as the TF code does: `generator_A/…`, `discriminator_B/…`. */
export function looksLikeTfUgatit(file: WeightFile): boolean {
  for (const name of file.tensors.keys()) if (/^(generator|discriminator)_[AB]\//.test(name)) return true;
  return false;
}

export interface TfGenerator {
  config: GeneratorConfig;
  /** How the version was chosen: read off the file, or given by the caller. */
  versionFrom: "file" | "override";
  /** One parameter by its model name, in PyTorch's layout. */
  read(key: string): Promise<Float32Array>;
}

/**
 * Finds the TF generator for `direction`, infers its configuration (ngf, n_res, light or full and its
 * size) from the variables' shapes and its code version from the file (or takes `tfVersion`), and checks
 * every variable the forward needs is there with its shape.
 */
export async function resolveTfGenerator(
  file: WeightFile,
  direction: Direction,
  tfVersion?: TfVersion,
): Promise<TfGenerator> {
  const scope = TF_GENERATOR_SCOPES[direction];
  if (!hasTfGenerator(file, direction)) {
    const other = TF_GENERATOR_SCOPES[direction === "A2B" ? "B2A" : "A2B"];
    const has = hasTfGenerator(file, direction === "A2B" ? "B2A" : "A2B");
    throw new CheckpointError(
      "missing_direction",
      file.file,
      `missing direction: no ${scope} (the ${direction} generator) in this TF checkpoint${has ? ` (it has ${other})` : ""}`,
    );
  }
  const shape = (variable: string) => {
    const info = file.tensors.get(`${scope}/${variable}`);
    if (!info) throw new CheckpointError("missing_key", file.file, `missing variable: ${scope}/${variable}`);
    return info.shape;
  };
  const stem = shape("conv/conv2d/kernel");
  const [kh, kw, rgb, ngf = 0] = stem;
  if (stem.length !== 4 || kh !== 7 || kw !== 7 || rgb !== 3 || ngf < 1) {
    throw new CheckpointError(
      "wrong_shape",
      file.file,
      `wrong shape: ${scope}/conv/conv2d/kernel is ${formatShape(stem)}, expected [7, 7, 3, ch]`,
    );
  }
  let nBlocks = 0;
  while (file.tensors.has(`${scope}/resblock_${nBlocks}/res1/conv_0/conv2d/kernel`)) nBlocks++;
  const c = 4 * ngf;
  const fc = shape("MLP/linear_0/dense/kernel");
  const side = Math.round(Math.sqrt((fc[0] ?? 0) / c));
  if (fc.length !== 2 || fc[1] !== c || side < 1 || side * side * c !== fc[0]) {
    throw new CheckpointError(
      "wrong_shape",
      file.file,
      `wrong shape: ${scope}/MLP/linear_0/dense/kernel is ${formatShape(fc)}, expected [${c}, ${c}] (light) or [(img_size/4)²·${c}, ${c}] (full) for ch ${ngf}, n_res 4`,
    );
  }
  const shapeOnly: GeneratorConfig = {
    ngf,
    nBlocks,
    light: side === 1,
    imgSize: side === 1 ? null : 4 * side,
  };
  const version = tfVersion ?? (await detectTfVersion(file, scope, shapeOnly));
  const config: GeneratorConfig = { ...shapeOnly, tfVersion: version };
  const variables = tfVariables(config);
  for (const [key, expected] of generatorParamShapes(config)) {
    const { variable, layout } = variables.get(key)!;
    const name = `${scope}/${variable}`;
    const info = file.tensors.get(name);
    if (!info) {
      const why = key.startsWith("CAM_logit.dense") ? " (the legacy code's CAM logit layer)" : "";
      throw new CheckpointError(
        "missing_key",
        file.file,
        `missing variable: ${name}${why} for ${describeGenerator(config)}`,
      );
    }
    const want = tfShape(layout, expected, variable);
    if (formatShape(info.shape) !== formatShape(want)) {
      throw new CheckpointError(
        "wrong_shape",
        file.file,
        `wrong shape: ${name} is ${formatShape(info.shape)}, expected ${formatShape(want)} for ${describeGenerator(config)}`,
      );
    }
    if (info.dtype === "unsupported") throw unsupportedDtype(file.file, name, info.storedAs);
  }
  return {
    config,
    versionFrom: tfVersion === undefined ? "file" : "override",
    async read(key) {
      const source = variables.get(key);
      if (!source) throw new Error(`model parameter ${key} has no TF variable`);
      const name = `${scope}/${source.variable}`;
      return toModelLayout(source.layout, file.tensors.get(name)!.shape, await file.read(name));
    },
  };
}

/**
 * The code version a TF generator comes from (`UGATIT-TF.md`): the legacy code has a separate
 * `CAM_logit/dense` layer and keeps AdaLIN's rho in [0, 0.9] (starting at 0.9); HEAD has no such layer
 * and keeps rho in [0, 1] (starting at 1). Evidence pointing both ways is an error the caller settles.
 */
async function detectTfVersion(file: WeightFile, scope: string, config: GeneratorConfig): Promise<TfVersion> {
  const denseCam = file.tensors.has(`${scope}/CAM_logit/dense/kernel`);
  let aboveLegacy = false;
  let atLegacyMax = false;
  for (let i = 0; i < config.nBlocks; i++) {
    for (const j of [1, 2]) {
      const name = `${scope}/adaptive_resblock${i}/res${j}/instance_layer_norm/rho`;
      if (!file.tensors.has(name)) continue; // reported as missing once the version is settled
      for (const rho of await file.read(name)) {
        if (rho > LEGACY_RHO_MAX && rho <= 1) aboveLegacy = true;
        if (rho === LEGACY_RHO_MAX) atLegacyMax = true;
      }
    }
  }
  const rhoSays = aboveLegacy ? "head" : atLegacyMax ? "legacy" : undefined;
  const camSays = denseCam ? "legacy" : "head";
  if (rhoSays !== undefined && rhoSays !== camSays) {
    throw new CheckpointError(
      "ambiguous_version",
      file.file,
      `ambiguous TF code version: ${scope} has ${denseCam ? "the legacy CAM_logit/dense layer" : "no CAM_logit/dense layer (HEAD)"} but AdaLIN rho ${aboveLegacy ? "above 0.9 (HEAD)" : "capped at 0.9 (legacy)"}; give the version: --tf-version head|legacy (CLI), UGATIT_TF_VERSION (worker)`,
    );
  }
  return camSays;
}
