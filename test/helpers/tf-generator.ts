/** @module Test support: a generator's parameters written as a checkpoint of the official TF code holds them. */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Direction } from "@ugatit/contracts/directions";
import type { GeneratorConfig, TorchWeights } from "@ugatit/model/architecture";
import { generatorParamShapes } from "@ugatit/model/architecture";
import {
  type BundleTensor,
  writeTfBundle,
} from "../../shared/model/src/checkpoints/tf-bundle/bundle-writer.ts";
import {
  TF_GENERATOR_SCOPES,
  type TfLayout,
  tfShape,
  tfVariables,
} from "../../shared/model/src/checkpoints/tf-generator.ts";

/** A parameter in PyTorch's layout (`shape`) as TF stores it: HWIO conv kernels, [in, out] dense kernels. */
function toTfLayout(layout: TfLayout, shape: number[], data: Float32Array): Float32Array {
  if (layout === "same") return data;
  const out = new Float32Array(data.length);
  if (layout === "dense") {
    const [rows = 0, inputs = 0] = shape;
    for (let o = 0; o < rows; o++) for (let i = 0; i < inputs; i++) out[i * rows + o] = data[o * inputs + i]!;
    return out;
  }
  const [o0 = 0, i0 = 0, kh = 0, kw = 0] = shape;
  for (let o = 0; o < o0; o++)
    for (let i = 0; i < i0; i++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          out[((y * kw + x) * i0 + i) * o0 + o] = data[((o * i0 + i) * kh + y) * kw + x]!;
  return out;
}

/**
 * Writes `<prefix>.index` and its data file holding each direction's generator under its TF scope
 * (`generator_B` for A2B), named and laid out as the TF code saves them; `"zeros"` leaves every value
 * zero (a sparse file), for checks of shapes only.
 */
export async function writeTfGenerators(
  prefix: string,
  config: GeneratorConfig,
  generators: Partial<Record<Direction, TorchWeights | "zeros">>,
): Promise<void> {
  const variables = tfVariables(config);
  const tensors: BundleTensor[] = [];
  for (const [direction, weights] of Object.entries(generators) as [Direction, TorchWeights | "zeros"][]) {
    for (const [key, shape] of generatorParamShapes(config)) {
      const { variable, layout } = variables.get(key)!;
      const name = `${TF_GENERATOR_SCOPES[direction]}/${variable}`;
      const tfData = weights === "zeros" ? undefined : toTfLayout(layout, shape, weights.get(key)!.data);
      tensors.push({
        name,
        shape: tfShape(layout, shape, variable),
        content: tfData ? (i) => tfData[i]! : "zeros",
      });
    }
  }
  await mkdir(dirname(prefix), { recursive: true });
  await writeTfBundle(prefix, tensors);
}
