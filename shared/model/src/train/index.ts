/** @module Training U-GAT-IT as the official UGATIT.py does: losses, Adam with L2 decay, the iteration. */
export { ADAM_DEFAULTS, Adam, type AdamOptions, type AdamState } from "./adam.ts";
export { registerGlobalPoolGradient } from "./global-pool-gradient.ts";
export { learningRate, OFFICIAL_DEFAULTS, type TrainingHyperparameters } from "./hyperparameters.ts";
export { initialNetworkWeights, networkShapes } from "./init-networks.ts";
export { bceWithLogitsTo, l1, mseTo } from "./losses.ts";
export { registerMirrorPadGradient } from "./mirror-pad-gradient.ts";
export {
  DISCRIMINATORS,
  type DiscriminatorName,
  discriminatorConfig,
  GENERATORS,
  type GeneratorName,
  type NetworkName,
  Networks,
  type NetworkWeights,
  trainableParams,
} from "./networks.ts";
export { type IterationLosses, LOSS_NAMES, UgatitTrainer } from "./ugatit-trainer.ts";
