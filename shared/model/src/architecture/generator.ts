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
 * it ({@link Generator}), the ONNX exporter records it. Reads like the architecture table. With
 * `config.tfVersion` it is the official TensorFlow generator (taki0112/UGATIT; `UGATIT-TF.md`): biased
 * convs, affine encoder norms, one biased CAM layer, biased MLP flattening H, W, C, biased variances,
 * stride-2 convs padded 1 before and 0 after, and at HEAD AdaLIN's rho smoothed.
 * x: the batch in [-1, 1]; H and W divisible by 4 (equal to imgSize for a full model).
 */
export function resnetGenerator<T>(
  ops: TensorOps<T>,
  p: ParamLookup<T>,
  config: GeneratorConfig,
  x: T,
): GeneratorResult<T> {
  const { nBlocks, light, tfVersion } = config;
  const tf = tfVersion !== undefined;
  // Each stage on its own: its intermediates go as soon as it is done (peak memory), while the stage
  // outputs stay until the end, which gradients need.
  const { stage, relu, add, upsampleNearest2x } = ops;
  const variance = tf ? "biased" : "unbiased";
  const bias = (layer: string) => (tf ? p(`${layer}.bias`) : undefined);
  /** ReflPad → Conv (with its bias in TF). */
  const conv = (x: T, layer: string, options: { pad: number; stride?: number }) => {
    // TF pads a stride-2 3×3 conv by 1 before and 0 after (the same for even sides)
    const pad = tf && options.stride === 2 ? ([1, 0] as const) : options.pad;
    return ops.conv(x, p(`${layer}.weight`), { ...options, pad, bias: bias(layer) });
  };
  /** IN, affine in TF. */
  const instanceNorm = (x: T, norm: string) =>
    ops.instanceNorm(x, tf ? { gamma: p(`${norm}.weight`), beta: p(`${norm}.bias`) } : undefined);
  const linear = (x: T, layer: string) => ops.linear(x, p(`${layer}.weight`), bias(layer));

  /** x + [ReflPad1, Conv3×3, IN, ReLU, ReflPad1, Conv3×3, IN](x) */
  const resnetBlock = (x: T, block: string) => {
    const y = relu(instanceNorm(conv(x, `${block}.1`, { pad: 1 }), `${block}.2`));
    return add(x, instanceNorm(conv(y, `${block}.5`, { pad: 1 }), `${block}.6`));
  };
  /** AdaLIN's rho: at TF HEAD (smoothing) clip(rho − 0.1, 0, 1), else as stored. */
  const adaRho = (name: string) => (tfVersion === "head" ? ops.smoothRho(p(name)) : p(name));
  /** x + [ReflPad1, Conv3×3, adaILN(γ,β), ReLU, ReflPad1, Conv3×3, adaILN(γ,β)](x) */
  const resnetAdaILNBlock = (x: T, gamma: T, beta: T, block: string) => {
    const norm = (y: T, i: number) => ops.adaILN(y, adaRho(`${block}.norm${i}.rho`), gamma, beta, variance);
    const y = relu(norm(conv(x, `${block}.conv1`, { pad: 1 }), 1));
    return add(x, norm(conv(y, `${block}.conv2`, { pad: 1 }), 2));
  };
  const iln = (x: T, norm: string) =>
    ops.layerInstanceNorm(x, p(`${norm}.rho`), p(`${norm}.gamma`), p(`${norm}.beta`), variance);

  // stem: ReflPad 3 → Conv 7×7 → IN → ReLU
  let h = stage(() => relu(instanceNorm(conv(x, "DownBlock.1", { pad: 3 }), "DownBlock.2")));
  // down ×2: ReflPad 1 → Conv 3×3 stride 2 → IN → ReLU
  h = stage(() => relu(instanceNorm(conv(h, "DownBlock.5", { pad: 1, stride: 2 }), "DownBlock.6")));
  h = stage(() => relu(instanceNorm(conv(h, "DownBlock.9", { pad: 1, stride: 2 }), "DownBlock.10")));
  // encoder: n_blocks × ResnetBlock
  for (let i = 0; i < nBlocks; i++) h = stage(() => resnetBlock(h, `DownBlock.${12 + i}.conv_block`));
  // CAM: PyTorch's gap_fc and gmp_fc; TF's one CAM_logit for both, its feature weight kernel + bias
  const cam = stage(() => {
    const logit = tfVersion === "legacy" ? "CAM_logit.dense" : tf ? "CAM_logit" : undefined;
    const channels = tf ? add(p("CAM_logit.weight"), p("CAM_logit.bias")) : undefined;
    return classActivationMap(ops, h, {
      gapLogit: p(`${logit ?? "gap_fc"}.weight`),
      gmpLogit: p(`${logit ?? "gmp_fc"}.weight`),
      gapLogitBias: logit && p(`${logit}.bias`),
      gmpLogitBias: logit && p(`${logit}.bias`),
      gapChannels: channels ?? p("gap_fc.weight"),
      gmpChannels: channels ?? p("gmp_fc.weight"),
      conv1x1: p("conv1x1.weight"),
      conv1x1Bias: p("conv1x1.bias"),
      activation: "relu",
    });
  });
  // γ/β MLP: light pools globally, full flattens in PyTorch's C,H,W order (TF's H,W,C)
  const { gamma, beta } = stage(() => {
    const features = light ? ops.spatialMean(cam.x) : tf ? ops.flattenHwc(cam.x) : ops.flattenChw(cam.x);
    const mlp = relu(linear(relu(linear(features, "FC.0")), "FC.2"));
    return { gamma: linear(mlp, "gamma"), beta: linear(mlp, "beta") };
  });
  // decoder: n_blocks × ResnetAdaILNBlock sharing γ, β
  h = cam.x;
  for (let i = 1; i <= nBlocks; i++) h = stage(() => resnetAdaILNBlock(h, gamma, beta, `UpBlock1_${i}`));
  // up ×2: Upsample nearest → ReflPad 1 → Conv 3×3 → ILN → ReLU
  h = stage(() => relu(iln(conv(upsampleNearest2x(h), "UpBlock2.2", { pad: 1 }), "UpBlock2.3")));
  h = stage(() => relu(iln(conv(upsampleNearest2x(h), "UpBlock2.7", { pad: 1 }), "UpBlock2.8")));
  // head: ReflPad 3 → Conv 7×7 → Tanh
  const image = stage(() => ops.tanh(conv(h, "UpBlock2.11", { pad: 3 })));
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
