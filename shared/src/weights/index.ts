/**
 * @module Weight files: PyTorch checkpoints (zip and legacy) and safetensors read without Python,
 * one tensor at a time; the official generator / discriminator specs; conversion to safetensors.
 */

export {
  type ConvertOptions,
  type ConvertResult,
  convertCheckpoint,
  UGATIT_METADATA_KEY,
  type UgatitMetadata,
} from "./convert.ts";
export {
  type DiscriminatorConfig,
  discriminatorParamShapes,
  inferDiscriminatorConfig,
} from "./discriminator-spec.ts";
export { CheckpointError, type CheckpointErrorCode } from "./errors.ts";
export {
  describeGenerator,
  type GeneratorConfig,
  generatorParamShapes,
  inferGeneratorConfig,
} from "./generator-spec.ts";
export { bfloat16ToFloat32, float16ToFloat32, float32ToFloat16 } from "./half.ts";
export {
  type Direction,
  type DiscriminatorName,
  type LoadedDiscriminator,
  type LoadedGenerator,
  loadDiscriminator,
  loadGenerator,
} from "./load.ts";
export { openWeightFile } from "./open.ts";
export { type SafetensorsTensor, type WriteSafetensorsOptions, writeSafetensors } from "./safetensors.ts";
export { type TorchCheckpointOptions, writeTorchCheckpoint } from "./torch-zip-writer.ts";
export type { TensorDtype, TensorInfo, WeightFile } from "./weight-file.ts";
export { writeAtomically, writeBytesAtomically } from "./write-all.ts";
