import * as tf from "@tensorflow/tfjs-core";

export interface AdamOptions {
  betas: [number, number];
  eps: number;
  /** L2 penalty added to the gradient (torch.optim.Adam's weight_decay), not AdamW's decoupled decay. */
  weightDecay: number;
}

export const ADAM_DEFAULTS: AdamOptions = { betas: [0.5, 0.999], eps: 1e-8, weightDecay: 1e-4 };

/** The optimiser state that must survive a resume, by parameter name. */
export interface AdamState {
  step: number;
  expAvg: Map<string, tf.Tensor>;
  expAvgSq: Map<string, tf.Tensor>;
}

/** `torch.optim.Adam` (torch 1.13, amsgrad off) over named variables: bias-corrected, eps outside the sqrt. */
export class Adam {
  step = 0;
  readonly expAvg = new Map<string, tf.Variable>();
  readonly expAvgSq = new Map<string, tf.Variable>();

  constructor(
    readonly params: Map<string, tf.Variable>,
    readonly options: AdamOptions = ADAM_DEFAULTS,
  ) {
    for (const [name, p] of params) {
      this.expAvg.set(name, tf.variable(tf.zerosLike(p), false));
      this.expAvgSq.set(name, tf.variable(tf.zerosLike(p), false));
    }
  }

  /** One update at learning rate `lr` from gradients keyed like `params` (a missing one counts as zero). */
  apply(grads: Map<string, tf.Tensor>, lr: number): void {
    this.step += 1;
    const [beta1, beta2] = this.options.betas;
    const { eps, weightDecay } = this.options;
    const stepSize = lr / (1 - beta1 ** this.step);
    const bias2Sqrt = Math.sqrt(1 - beta2 ** this.step);
    for (const [name, p] of this.params) {
      const m = this.expAvg.get(name) as tf.Variable;
      const v = this.expAvgSq.get(name) as tf.Variable;
      tf.tidy(() => {
        const raw = grads.get(name) ?? tf.zerosLike(p);
        const g = weightDecay === 0 ? raw : tf.add(raw, tf.mul(p, weightDecay));
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const denom = tf.add(tf.div(tf.sqrt(v), bias2Sqrt), eps);
        p.assign(tf.sub(p, tf.mul(tf.div(m, denom), stepSize)));
      });
    }
  }

  /** Restores a saved state (step count and moments). */
  load(state: AdamState): void {
    this.step = state.step;
    for (const [name, m] of this.expAvg) {
      const saved = state.expAvg.get(name);
      const savedSq = state.expAvgSq.get(name);
      if (!saved || !savedSq) throw new Error(`optimiser state of ${name} is missing`);
      m.assign(tf.reshape(saved, m.shape));
      (this.expAvgSq.get(name) as tf.Variable).assign(tf.reshape(savedSq, m.shape));
    }
  }

  dispose(): void {
    for (const t of [...this.expAvg.values(), ...this.expAvgSq.values()]) t.dispose();
  }
}
