/** The official UGATIT-pytorch `main.py` defaults for what shapes a training run. */
export interface TrainingHyperparameters {
  /** Total iterations (the official `--iteration`); the learning rate decays over the second half. */
  iterations: number;
  lr: number;
  weightDecay: number;
  /** Linear decay of the learning rate to 0 over the second half (`--decay_flag`). */
  decay: boolean;
  advWeight: number;
  cycleWeight: number;
  identityWeight: number;
  camWeight: number;
}

export const OFFICIAL_DEFAULTS: TrainingHyperparameters = {
  iterations: 1_000_000,
  lr: 1e-4,
  weightDecay: 1e-4,
  decay: true,
  advWeight: 1,
  cycleWeight: 10,
  identityWeight: 10,
  camWeight: 1000,
};

/**
 * The learning rate of iteration `step` (1-based): the official loop subtracts lr / (iterations // 2)
 * at every step past the half, so at step s it is lr · (1 − (s − half) / half).
 */
export function learningRate(h: TrainingHyperparameters, step: number): number {
  const half = Math.floor(h.iterations / 2);
  if (!h.decay || step <= half || half === 0) return h.lr;
  return h.lr - (h.lr / half) * (step - half);
}
