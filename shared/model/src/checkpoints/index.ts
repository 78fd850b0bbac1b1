/**
 * @module Weight files: PyTorch checkpoints (zip and legacy) and safetensors read without Python,
 * one tensor at a time; the configuration their shapes imply; conversion to safetensors.
 */

export {
  type ConvertOptions,
  type ConvertResult,
  convertCheckpoint,
} from "./convert.ts";
export { CheckpointError, type CheckpointErrorCode } from "./errors.ts";
export { bfloat16ToFloat32, float16ToFloat32, float32ToFloat16 } from "./half.ts";
export { inferDiscriminatorConfig, inferGeneratorConfig } from "./infer-config.ts";
export {
  type DiscriminatorName,
  type LoadedDiscriminator,
  type LoadedGenerator,
  type LoadGeneratorOptions,
  loadDiscriminator,
  loadGenerator,
  readGenerator,
} from "./load.ts";
export { readTensors } from "./network.ts";
export { openWeightFile } from "./open.ts";
export { type SafetensorsTensor, type WriteSafetensorsOptions, writeSafetensors } from "./safetensors.ts";
export {
  hasTfGenerator,
  resolveTfGenerator,
  TF_GENERATOR_SCOPES,
  type TfGenerator,
} from "./tf-generator.ts";
export { type TorchCheckpointOptions, writeTorchCheckpoint } from "./torch-zip-writer.ts";
export { modelDomains, UGATIT_METADATA_KEY, type UgatitMetadata } from "./ugatit-metadata.ts";
export { elementCount, type TensorDtype, type TensorInfo, type WeightFile } from "./weight-file.ts";
export { writeAtomically, writeBytesAtomically } from "./write-all.ts";
