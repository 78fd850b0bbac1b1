/** @module The U-GAT-IT networks of the official PyTorch code, on TF.js core ops. */
export type { DiscriminatorConfig, GeneratorConfig } from "./config.ts";
export { Discriminator, type DiscriminatorOutput } from "./discriminator.ts";
export { generatorMacs } from "./flops.ts";
export { Generator, type GeneratorOutput } from "./generator.ts";
export { initialWeights } from "./init.ts";
export * from "./layers/index.ts";
export {
  type Params,
  paramsFromTorch,
  type TorchTensor,
  type TorchWeights,
  toTfLayout,
  toTorchLayout,
} from "./params.ts";
export { clipRho } from "./rho-clipper.ts";
export { SpectralNorm } from "./spectral-norm.ts";
