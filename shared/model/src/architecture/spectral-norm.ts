import * as tf from "@tensorflow/tfjs-core";

const NORMALIZE_EPS = 1e-12;

function normalize(x: tf.Tensor1D): tf.Tensor1D {
  return tf.div(x, tf.maximum(tf.norm(x), NORMALIZE_EPS));
}

/**
 * `torch.nn.utils.spectral_norm` (dim 0, one power iteration) over a weight kept in PyTorch's layout.
 * `u` and `v` are the power-iteration state the checkpoint stores as `weight_u` / `weight_v`.
 */
export class SpectralNorm {
  readonly u: tf.Variable<tf.Rank.R1>;
  readonly v: tf.Variable<tf.Rank.R1>;

  constructor(
    /** `weight_orig`, in PyTorch's layout ([out, in] or [out, in, kh, kw]). */
    readonly weightOrig: tf.Tensor,
    u: tf.Tensor1D,
    v: tf.Tensor1D,
  ) {
    this.u = tf.variable(u, false);
    this.v = tf.variable(v, false);
  }

  /**
   * weight_orig / σ with σ = uᵀ W v. In training mode one power iteration first updates u and v,
   * as every training-mode forward of the official discriminators does; u and v act as constants for gradients.
   */
  weight(training: boolean): tf.Tensor {
    if (training) this.powerIteration();
    return tf.tidy(() => {
      const w = tf.reshape(this.weightOrig, [this.weightOrig.shape[0] as number, -1]) as tf.Tensor2D;
      const wv = tf.squeeze(tf.matMul(w, tf.reshape(this.v, [-1, 1])), [1]);
      const sigma = tf.sum(tf.mul(this.u, wv));
      return tf.div(this.weightOrig, sigma);
    });
  }

  private powerIteration(): void {
    tf.tidy(() => {
      const w = tf.reshape(this.weightOrig, [this.weightOrig.shape[0] as number, -1]) as tf.Tensor2D;
      const v = normalize(tf.squeeze(tf.matMul(w, tf.reshape(this.u, [-1, 1]), true, false), [1]));
      const u = normalize(tf.squeeze(tf.matMul(w, tf.reshape(v, [-1, 1])), [1]));
      this.v.assign(v);
      this.u.assign(u);
    });
  }

  dispose(): void {
    this.u.dispose();
    this.v.dispose();
  }
}
