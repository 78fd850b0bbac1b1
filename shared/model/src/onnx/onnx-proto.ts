/** @module The ONNX messages (onnx.proto, IR version 8) the exporter writes, field numbers as in the spec. */
import { ProtoMessage } from "./protobuf.ts";

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT64: 7, FLOAT16: 10 } as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

/** An attribute value: its AttributeProto type follows from the JavaScript value. */
export type AttributeValue = number | string | number[] | { float: number } | { floats: number[] };

const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

export function attributeProto(name: string, value: AttributeValue): ProtoMessage {
  const a = new ProtoMessage().string(1, name);
  if (typeof value === "number") return a.int(3, value).int(20, AttributeType.INT);
  if (typeof value === "string") return a.string(4, value).int(20, AttributeType.STRING);
  if (Array.isArray(value)) return a.ints(8, value).int(20, AttributeType.INTS);
  if ("float" in value) return a.float(2, value.float).int(20, AttributeType.FLOAT);
  for (const f of value.floats) a.float(7, f);
  return a.int(20, AttributeType.FLOATS);
}

export interface NodeSpec {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes?: Record<string, AttributeValue> | undefined;
}

export function nodeProto(node: NodeSpec): ProtoMessage {
  const n = new ProtoMessage();
  for (const input of node.inputs) n.string(1, input);
  for (const output of node.outputs) n.string(2, output);
  n.string(3, node.name).string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {}))
    n.message(5, attributeProto(name, value));
  return n;
}

/** A tensor whose data is little-endian `raw_data` (referenced, not copied). */
export function tensorProto(name: string, type: DataType, dims: number[], raw: Uint8Array): ProtoMessage {
  return new ProtoMessage().ints(1, dims).int(2, type).string(8, name).bytes(9, raw);
}

/** Where a tensor's data is when it is not in the model: a file beside it, from a byte offset. */
export interface ExternalLocation {
  location: string;
  offset: number;
  length: number;
}

/** A tensor whose little-endian data is in another file (`data_location` EXTERNAL, as onnx.proto says). */
export function externalTensorProto(
  name: string,
  type: DataType,
  dims: number[],
  at: ExternalLocation,
): ProtoMessage {
  const t = new ProtoMessage().ints(1, dims).int(2, type).string(8, name);
  for (const [key, value] of Object.entries(at))
    t.message(13, new ProtoMessage().string(1, key).string(2, String(value)));
  return t.int(14, 1);
}

/** A dimension: a fixed size, or a name for a size known at run time. */
export type Dim = number | string;

export function valueInfoProto(name: string, type: DataType, dims: Dim[]): ProtoMessage {
  const shape = new ProtoMessage();
  for (const d of dims) {
    shape.message(1, typeof d === "number" ? new ProtoMessage().int(1, d) : new ProtoMessage().string(2, d));
  }
  const tensorType = new ProtoMessage().int(1, type).message(2, shape);
  return new ProtoMessage().string(1, name).message(2, new ProtoMessage().message(1, tensorType));
}

export interface GraphSpec {
  name: string;
  nodes: ProtoMessage[];
  initializers: ProtoMessage[];
  inputs: ProtoMessage[];
  outputs: ProtoMessage[];
}

export function graphProto(graph: GraphSpec): ProtoMessage {
  const g = new ProtoMessage();
  for (const n of graph.nodes) g.message(1, n);
  g.string(2, graph.name);
  for (const t of graph.initializers) g.message(5, t);
  for (const i of graph.inputs) g.message(11, i);
  for (const o of graph.outputs) g.message(12, o);
  return g;
}

export interface ModelSpec {
  irVersion: number;
  opset: number;
  producerName: string;
  producerVersion: string;
  graph: ProtoMessage;
  metadata: Record<string, string>;
}

/** ModelProto field numbers, for readers too. */
export const MODEL_FIELDS = { graph: 7, metadataProps: 14 } as const;

export function modelProto(model: ModelSpec): ProtoMessage {
  const m = new ProtoMessage()
    .int(1, model.irVersion)
    .string(2, model.producerName)
    .string(3, model.producerVersion)
    .message(8, new ProtoMessage().string(1, "").int(2, model.opset));
  // before the graph, so a reader finds the configuration in the file's first bytes
  for (const [key, value] of Object.entries(model.metadata)) {
    m.message(MODEL_FIELDS.metadataProps, new ProtoMessage().string(1, key).string(2, value));
  }
  return m.message(MODEL_FIELDS.graph, model.graph);
}
