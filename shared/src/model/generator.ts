import * as tf from "@tensorflow/tfjs-core";
import type { GeneratorConfig } from "./config.ts";
import { classActivationMap } from "./layers/cam.ts";
import { conv } from "./layers/conv.ts";
import { linear } from "./layers/linear.ts";
import { adaILN, instanceNorm, layerInstanceNorm } from "./layers/norms.ts";
import { upsampleNearest2x } from "./layers/upsample.ts";
import { type Params, param, paramsFromTorch, type TorchWeights } from "./params.ts";

export type GeneratorOutput = {
  /** The translated image in [-1, 1]: [B, H, W, 3]. */
  image: tf.Tensor4D;
  /** The auxiliary classifier's logits [gap, gmp]: [B, 2]. */
  camLogit: tf.Tensor2D;
  /** Channel sum of the attention features: [B, H/4, W/4, 1] (the official [B, 1, H/4, W/4]). */
  heatmap: tf.Tensor4D;
};

/**
 * The official `ResnetGenerator` (UGATIT-pytorch networks.py) on TF.js ops, NHWC.
 * Parameters keep their PyTorch names; `forward` reads like the architecture table.
 */
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
    const { nBlocks, light } = this.config;
    const p = <T extends tf.Tensor>(name: string) => param<T>(this.params, name);
    const relu = tf.relu<tf.Tensor4D>;
    // Each stage in its own tidy: its intermediates go as soon as it is done (peak memory), while the
    // stage outputs stay until the end, which gradients need.
    const stage = tf.tidy;
    return tf.tidy(() => {
      // stem: ReflPad 3 → Conv 7×7 → IN → ReLU
      let h = stage(() => relu(instanceNorm(conv(x, p("DownBlock.1.weight"), { pad: 3 }))));
      // down ×2: ReflPad 1 → Conv 3×3 stride 2 → IN → ReLU
      h = stage(() => relu(instanceNorm(conv(h, p("DownBlock.5.weight"), { pad: 1, stride: 2 }))));
      h = stage(() => relu(instanceNorm(conv(h, p("DownBlock.9.weight"), { pad: 1, stride: 2 }))));
      // encoder: n_blocks × ResnetBlock
      for (let i = 0; i < nBlocks; i++)
        h = stage(() => this.resnetBlock(h, `DownBlock.${12 + i}.conv_block`));
      // CAM
      const cam = stage(() =>
        classActivationMap(h, {
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
        const features: tf.Tensor2D = light ? tf.mean(cam.x, [1, 2]) : flattenChw(cam.x);
        const mlp = tf.relu(linear(tf.relu(linear(features, p("FC.0.weight"))), p("FC.2.weight")));
        return { gamma: linear(mlp, p("gamma.weight")), beta: linear(mlp, p("beta.weight")) };
      });
      // decoder: n_blocks × ResnetAdaILNBlock sharing γ, β
      h = cam.x;
      for (let i = 1; i <= nBlocks; i++)
        h = stage(() => this.resnetAdaILNBlock(h, gamma, beta, `UpBlock1_${i}`));
      // up ×2: Upsample nearest → ReflPad 1 → Conv 3×3 → ILN → ReLU
      h = stage(() =>
        relu(this.iln(conv(upsampleNearest2x(h), p("UpBlock2.2.weight"), { pad: 1 }), "UpBlock2.3")),
      );
      h = stage(() =>
        relu(this.iln(conv(upsampleNearest2x(h), p("UpBlock2.7.weight"), { pad: 1 }), "UpBlock2.8")),
      );
      // head: ReflPad 3 → Conv 7×7 → Tanh
      const image = stage(() => tf.tanh(conv(h, p("UpBlock2.11.weight"), { pad: 3 })));
      return { image, camLogit: cam.camLogit, heatmap: cam.heatmap };
    });
  }

  /** x + [ReflPad1, Conv3×3, IN, ReLU, ReflPad1, Conv3×3, IN](x) */
  private resnetBlock(x: tf.Tensor4D, prefix: string): tf.Tensor4D {
    const p = (name: string) => param<tf.Tensor4D>(this.params, `${prefix}.${name}`);
    const y = tf.relu(instanceNorm(conv(x, p("1.weight"), { pad: 1 })));
    return tf.add(x, instanceNorm(conv(y, p("5.weight"), { pad: 1 })));
  }

  /** x + [ReflPad1, Conv3×3, adaILN(γ,β), ReLU, ReflPad1, Conv3×3, adaILN(γ,β)](x) */
  private resnetAdaILNBlock(
    x: tf.Tensor4D,
    gamma: tf.Tensor2D,
    beta: tf.Tensor2D,
    prefix: string,
  ): tf.Tensor4D {
    const p = <T extends tf.Tensor>(name: string) => param<T>(this.params, `${prefix}.${name}`);
    const y = tf.relu(adaILN(conv(x, p("conv1.weight"), { pad: 1 }), p("norm1.rho"), gamma, beta));
    return tf.add(x, adaILN(conv(y, p("conv2.weight"), { pad: 1 }), p("norm2.rho"), gamma, beta));
  }

  private iln(x: tf.Tensor4D, prefix: string): tf.Tensor4D {
    const p = (name: string) => param<tf.Tensor1D>(this.params, `${prefix}.${name}`);
    return layerInstanceNorm(x, p("rho"), p("gamma"), p("beta"));
  }

  dispose(): void {
    for (const t of this.params.values()) t.dispose();
  }
}

/** [B, H, W, C] → [B, C·H·W] in PyTorch's C,H,W order, so FC.0's weight is used as saved. */
function flattenChw(x: tf.Tensor4D): tf.Tensor2D {
  return tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [x.shape[0], -1]);
}
