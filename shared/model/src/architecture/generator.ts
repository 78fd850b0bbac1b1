import * as tf from "@tensorflow/tfjs-core";
import type { GeneratorConfig } from "./config.ts";
import { classActivationMap } from "./layers/cam.ts";
import type { ParamLookup, TensorOps } from "./ops.ts";
import { type Params, param, paramsFromTorch, type TorchWeights } from "./params.ts";
import { tfOps } from "./tf-ops.ts";

export type GeneratorOutput = {
  /** The translated image in [-1, 1]: [B, H, W, 3]. */
  image: tf.Tensor4D;
  /** The auxiliary classifier's logits [gap, gmp]: [B, 2]. */
  camLogit: tf.Tensor2D;
  /** Channel sum of the attention features: [B, H/4, W/4, 1] (the official [B, 1, H/4, W/4]). */
  heatmap: tf.Tensor4D;
};

/** `forward(x)`'s `(out, cam_logit, heatmap)`, in whatever the ops compute with. */
export type GeneratorResult<T> = { image: T; camLogit: T; heatmap: T };

/**
 * The official `ResnetGenerator` (UGATIT-pytorch networks.py), written once on {@link TensorOps}: TF.js runs
 * it ({@link Generator}), the ONNX exporter records it. Reads like the architecture table.
 * x: the batch in [-1, 1]; H and W divisible by 4 (equal to imgSize for a full model).
 */
export function resnetGenerator<T>(
  ops: TensorOps<T>,
  p: ParamLookup<T>,
  config: GeneratorConfig,
  x: T,
): GeneratorResult<T> {
  const { nBlocks, light } = config;
  // Each stage on its own: its intermediates go as soon as it is done (peak memory), while the stage
  // outputs stay until the end, which gradients need.
  const { stage, conv, instanceNorm, adaILN, linear, relu, add, upsampleNearest2x } = ops;

  /** x + [ReflPad1, Conv3×3, IN, ReLU, ReflPad1, Conv3×3, IN](x) */
  const resnetBlock = (x: T, block: string) => {
    const y = relu(instanceNorm(conv(x, p(`${block}.1.weight`), { pad: 1 })));
    return add(x, instanceNorm(conv(y, p(`${block}.5.weight`), { pad: 1 })));
  };
  /** x + [ReflPad1, Conv3×3, adaILN(γ,β), ReLU, ReflPad1, Conv3×3, adaILN(γ,β)](x) */
  const resnetAdaILNBlock = (x: T, gamma: T, beta: T, block: string) => {
    const norm = (y: T, i: number) => adaILN(y, p(`${block}.norm${i}.rho`), gamma, beta);
    const y = relu(norm(conv(x, p(`${block}.conv1.weight`), { pad: 1 }), 1));
    return add(x, norm(conv(y, p(`${block}.conv2.weight`), { pad: 1 }), 2));
  };
  const iln = (x: T, norm: string) =>
    ops.layerInstanceNorm(x, p(`${norm}.rho`), p(`${norm}.gamma`), p(`${norm}.beta`));

  // stem: ReflPad 3 → Conv 7×7 → IN → ReLU
  let h = stage(() => relu(instanceNorm(conv(x, p("DownBlock.1.weight"), { pad: 3 }))));
  // down ×2: ReflPad 1 → Conv 3×3 stride 2 → IN → ReLU
  h = stage(() => relu(instanceNorm(conv(h, p("DownBlock.5.weight"), { pad: 1, stride: 2 }))));
  h = stage(() => relu(instanceNorm(conv(h, p("DownBlock.9.weight"), { pad: 1, stride: 2 }))));
  // encoder: n_blocks × ResnetBlock
  for (let i = 0; i < nBlocks; i++) h = stage(() => resnetBlock(h, `DownBlock.${12 + i}.conv_block`));
  // CAM
  const cam = stage(() =>
    classActivationMap(ops, h, {
      gapLogit: p("gap_fc.weight"),
      gmpLogit: p("gmp_fc.weight"),
      gapChannels: p("gap_fc.weight"),
      gmpChannels: p("gmp_fc.weight"),
      conv1x1: p("conv1x1.weight"),
      conv1x1Bias: p("conv1x1.bias"),
      activation: "relu",
    }),
  );
  // γ/β MLP: light pools globally, full flattens in PyTorch's C,H,W order
  const { gamma, beta } = stage(() => {
    const features = light ? ops.spatialMean(cam.x) : ops.flattenChw(cam.x);
    const mlp = relu(linear(relu(linear(features, p("FC.0.weight"))), p("FC.2.weight")));
    return { gamma: linear(mlp, p("gamma.weight")), beta: linear(mlp, p("beta.weight")) };
  });
  // decoder: n_blocks × ResnetAdaILNBlock sharing γ, β
  h = cam.x;
  for (let i = 1; i <= nBlocks; i++) h = stage(() => resnetAdaILNBlock(h, gamma, beta, `UpBlock1_${i}`));
  // up ×2: Upsample nearest → ReflPad 1 → Conv 3×3 → ILN → ReLU
  h = stage(() => relu(iln(conv(upsampleNearest2x(h), p("UpBlock2.2.weight"), { pad: 1 }), "UpBlock2.3")));
  h = stage(() => relu(iln(conv(upsampleNearest2x(h), p("UpBlock2.7.weight"), { pad: 1 }), "UpBlock2.8")));
  // head: ReflPad 3 → Conv 7×7 → Tanh
  const image = stage(() => ops.tanh(conv(h, p("UpBlock2.11.weight"), { pad: 3 })));
  return { image, camLogit: cam.camLogit, heatmap: cam.heatmap };
}

/** The generator on TF.js, NHWC. Parameters keep their PyTorch names. */
export class Generator {
  constructor(
    readonly config: GeneratorConfig,
    readonly params: Params,
  ) {}

  static fromTorch(config: GeneratorConfig, weights: TorchWeights): Generator {
    return new Generator(config, paramsFromTorch(weights));
  }

  /** x: [B, H, W, 3] in [-1, 1]; H and W divisible by 4 (equal to imgSize for a full model). */
  forward(x: tf.Tensor4D): GeneratorOutput {
    const p = (name: string) => param(this.params, name);
    return tf.tidy(() => resnetGenerator(tfOps, p, this.config, x)) as GeneratorOutput;
  }

  dispose(): void {
    for (const t of this.params.values()) t.dispose();
  }
}
