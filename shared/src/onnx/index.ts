/**
 * @module The generator as an ONNX model, recorded from the model definition in `../model` (no second
 * copy of the architecture), written with a small protobuf writer; and its metadata read back.
 */
export { exportGeneratorToOnnx, type OnnxExportOptions } from "./export-generator.ts";
export { ONNX_INPUT, ONNX_OUTPUTS } from "./io.ts";
export { OnnxModelError, type OnnxModelInfo, readOnnxModelInfo } from "./metadata.ts";
export { type ProtoField, protoFields } from "./protobuf.ts";
