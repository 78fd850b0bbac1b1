/** @module The U-GAT-IT networks of the official PyTorch code, written on TensorOps; TF.js core ops run them. */
export {
  type DiscriminatorConfig,
  type GeneratorConfig,
  imageProcessingFor,
  TF_VERSIONS,
  type TfVersion,
} from "./config.ts";
export { Discriminator, type DiscriminatorOutput } from "./discriminator.ts";
export { discriminatorParamShapes } from "./discriminator-spec.ts";
export { generatorMacs } from "./flops.ts";
export { Generator, type GeneratorOutput, type GeneratorResult, resnetGenerator } from "./generator.ts";
export { describeGenerator, generatorParamShapes } from "./generator-spec.ts";
export { initialWeights } from "./init.ts";
export * from "./layers/index.ts";
export type { ParamLookup, TensorOps } from "./ops.ts";
export {
  type Params,
  paramsFromTorch,
  releaseWeights,
  type TorchTensor,
  type TorchWeights,
  toTfLayout,
  toTorchLayout,
} from "./params.ts";
export { mulberry32 } from "./random.ts";
export { clipRho } from "./rho-clipper.ts";
export { SpectralNorm } from "./spectral-norm.ts";
export { tfOps } from "./tf-ops.ts";
