import * as tf from "@tensorflow/tfjs-core";
import type { DiscriminatorConfig } from "./config.ts";
import { classActivationMap } from "./layers/cam.ts";
import { conv } from "./layers/conv.ts";
import type { TorchWeights } from "./params.ts";
import { param, toTfLayout } from "./params.ts";
import { SpectralNorm } from "./spectral-norm.ts";
import { tfOps } from "./tf-ops.ts";

export type DiscriminatorOutput = {
  /** Patch logits: [B, H', W', 1]. */
  out: tf.Tensor4D;
  camLogit: tf.Tensor2D;
  heatmap: tf.Tensor4D;
};

/** OIHW → HWIO for a conv weight that spectral norm keeps in PyTorch's layout. */
function hwio(w: tf.Tensor): tf.Tensor4D {
  return tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D;
}

/**
 * The official `Discriminator(input_nc=3, ndf, n_layers)`: spectrally normalised 4×4 convs, CAM, a patch head.
 * Global discriminators have n_layers 7, local ones 5.
 */
export class Discriminator {
  /** Spectral norms by PyTorch module name (`model.1`, `gap_fc`, `gmp_fc`, `conv`). */
  readonly sn = new Map<string, SpectralNorm>();
  /** Parameters outside spectral norm (conv biases, conv1x1), TF layouts. */
  readonly params = new Map<string, tf.Tensor>();

  constructor(
    readonly config: DiscriminatorConfig,
    weights: TorchWeights,
  ) {
    for (const [name, t] of weights) {
      const match = /^(.*)\.weight_orig$/.exec(name);
      if (match) {
        const module = match[1] as string;
        const u = weights.get(`${module}.weight_u`);
        const v = weights.get(`${module}.weight_v`);
        if (!u || !v) throw new Error(`spectral norm state of ${module} is missing`);
        this.sn.set(
          module,
          new SpectralNorm(tf.tensor(t.data, t.shape), tf.tensor1d(u.data), tf.tensor1d(v.data)),
        );
      } else if (!/\.weight_[uv]$/.test(name)) {
        this.params.set(name, toTfLayout(name, t));
      }
    }
  }

  /** Module indices of the `model` Sequential's convolutions: 1, 4, 7, … */
  private convIndices(): number[] {
    return Array.from({ length: this.config.nLayers - 1 }, (_, i) => 1 + 3 * i);
  }

  /**
   * x: [B, H, W, 3]. `training` runs one power iteration per spectral norm first, as a
   * training-mode forward of the official code does; inference (`false`) uses the stored u, v.
   */
  forward(x: tf.Tensor4D, training = false): DiscriminatorOutput {
    const w = (module: string) => this.sn.get(module)?.weight(training) as tf.Tensor;
    const p = <T extends tf.Tensor>(name: string) => param<T>(this.params, name);
    return tf.tidy(() => {
      // model: (ReflPad1 → SN Conv 4×4 → LeakyReLU 0.2) × (n_layers − 1), stride 2 but the last
      const indices = this.convIndices();
      let h = x;
      indices.forEach((index, i) => {
        const stride = i === indices.length - 1 ? 1 : 2;
        h = conv(h, hwio(w(`model.${index}`)), {
          pad: 1,
          stride,
          bias: p<tf.Tensor1D>(`model.${index}.bias`),
          activation: "leakyrelu",
        });
      });
      // CAM: the logits use the normalised FC weights, the channel re-weighting uses weight_orig
      const cam = classActivationMap<tf.Tensor>(tfOps, h, {
        gapLogit: w("gap_fc") as tf.Tensor2D,
        gmpLogit: w("gmp_fc") as tf.Tensor2D,
        gapChannels: this.sn.get("gap_fc")?.weightOrig as tf.Tensor2D,
        gmpChannels: this.sn.get("gmp_fc")?.weightOrig as tf.Tensor2D,
        conv1x1: p("conv1x1.weight"),
        conv1x1Bias: p("conv1x1.bias"),
        activation: "leakyrelu",
      });
      // head: ReflPad1 → SN Conv 4×4 stride 1 → 1 channel
      const out = conv(cam.x as tf.Tensor4D, hwio(w("conv")), { pad: 1 });
      return { out, camLogit: cam.camLogit as tf.Tensor2D, heatmap: cam.heatmap as tf.Tensor4D };
    });
  }

  dispose(): void {
    for (const s of this.sn.values()) {
      s.weightOrig.dispose();
      s.dispose();
    }
    for (const t of this.params.values()) t.dispose();
  }
}
