/**
 * @module The generator as an ONNX model, recorded from the model definition in `../model` (no second
 * copy of the architecture) by `onnxOps` on an `OnnxGraph`, written with a small protobuf writer; and its
 * metadata read back.
 */

export { ONNX_INPUT, ONNX_OUTPUTS } from "@ugatit/contracts/onnx-io";
export {
  exportGeneratorToOnnx,
  type GeneratorRecording,
  type OnnxExportOptions,
  recordGeneratorOnnx,
} from "./export-generator.ts";
export { type ModelOptions, type ModelWithExternalData, OnnxGraph, type Value } from "./graph-builder.ts";
export { type Int8Ops, int8Ops } from "./int8-ops.ts";
export { OnnxModelError, type OnnxModelInfo, type Quantization, readOnnxModelInfo } from "./metadata.ts";
export { type OnnxOpsOptions, onnxOps } from "./onnx-ops.ts";
export { DataType } from "./onnx-proto.ts";
export { type ProtoField, protoFields } from "./protobuf.ts";
export { type FilterMoments, type Int8Plan, int8Plan, type QuantizeMode } from "./quantize.ts";
