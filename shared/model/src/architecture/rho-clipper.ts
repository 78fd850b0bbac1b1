import * as tf from "@tensorflow/tfjs-core";

/** RhoClipper(0, 1): after every generator optimiser step, each `rho` is clamped to [0, 1]. */
export function clipRho(params: Map<string, tf.Variable>, min = 0, max = 1): void {
  for (const [name, p] of params) {
    if (name.endsWith(".rho")) p.assign(tf.tidy(() => tf.clipByValue(p, min, max)));
  }
}
