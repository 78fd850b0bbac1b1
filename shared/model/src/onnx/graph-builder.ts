import {
  type AttributeValue,
  DataType,
  type Dim,
  externalTensorProto,
  graphProto,
  modelProto,
  type NodeSpec,
  nodeProto,
  tensorProto,
  valueInfoProto,
} from "./onnx-proto.ts";
import type { ProtoMessage } from "./protobuf.ts";

/** What a model says of itself besides its graph. */
export interface ModelOptions {
  producerName: string;
  producerVersion: string;
  metadata: Record<string, string>;
}

/** A model with its large tensors apart, as ONNX's external data, for a file beside the model's. */
export interface ModelWithExternalData {
  /** The serialised ModelProto; each large tensor names the data file, an offset and a length. */
  model: Uint8Array<ArrayBuffer>;
  /** The data file's content in order: the tensors (referenced, not copied), zeros between them. */
  data: Uint8Array[];
}

/** A tensor recorded: its data referenced until the model is written. */
interface Initializer {
  type: DataType;
  dims: number[];
  data: Uint8Array;
}

/** Offsets of external tensors: page-aligned, so that a reader may map them rather than copy. */
const EXTERNAL_ALIGNMENT = 4096;

/** A value of the graph (an input, an initializer or a node's output), by its name. */
export type Value = string;

/** The opset the exporter targets: ReduceMean still takes `axes` as an attribute, LayerNorm exists. */
export const OPSET = 17;
/** The IR version that goes with opset 17. */
export const IR_VERSION = 8;

/**
 * Records an ONNX graph node by node: inputs, initializers (data referenced until written), outputs.
 * What no output depends on is left out of the model, so a recorder may record a value it ends up not using.
 */
export class OnnxGraph {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers = new Map<Value, Initializer>();
  private readonly inputs: ProtoMessage[] = [];
  private readonly outputs: ProtoMessage[] = [];
  private readonly outputNames: Value[] = [];
  private readonly constants = new Map<string, Value>();
  private readonly names = new Set<string>();
  private counter = 0;
  /** Dimensions of the values whose shape is fixed (initializers, and what the caller records). */
  readonly dims = new Map<Value, number[]>();

  constructor(readonly name: string) {}

  input(name: string, type: DataType, dims: Dim[]): Value {
    this.claim(name);
    this.inputs.push(valueInfoProto(name, type, dims));
    return name;
  }

  /** Makes `value` a graph output called `name` (renaming it where it is produced and used). */
  output(value: Value, name: string, type: DataType, dims: Dim[]): void {
    if (value !== name) {
      this.claim(name);
      for (const node of this.nodes) {
        node.outputs = node.outputs.map((v) => (v === value ? name : v));
        node.inputs = node.inputs.map((v) => (v === value ? name : v));
      }
    }
    this.outputs.push(valueInfoProto(name, type, dims));
    this.outputNames.push(name);
  }

  /** A tensor stored in the file; `data` is little-endian and written as is. */
  initializer(name: string, type: DataType, dims: number[], data: Uint8Array): Value {
    this.claim(name);
    return this.store(name, type, dims, data);
  }

  /** A small float32 constant, shared by every node that uses the same one. */
  floats(values: number[], dims: number[] = [values.length]): Value {
    return this.constant("f", values, dims, () => {
      const data = new Float32Array(values);
      return { type: DataType.FLOAT, data: new Uint8Array(data.buffer) };
    });
  }

  /** A small int64 constant (shapes, axes, pads). */
  int64s(values: number[]): Value {
    return this.constant("i", values, [values.length], () => {
      const data = BigInt64Array.from(values, BigInt);
      return { type: DataType.INT64, data: new Uint8Array(data.buffer) };
    });
  }

  /** One node with one output; returns the output. */
  op(opType: string, inputs: Value[], attributes?: Record<string, AttributeValue>): Value {
    const name = this.fresh(opType);
    this.nodes.push({ opType, inputs, outputs: [name], name, attributes });
    return name;
  }

  /** One node with `count` outputs; returns them. */
  opOutputs(
    opType: string,
    inputs: Value[],
    count: number,
    attributes?: Record<string, AttributeValue>,
  ): Value[] {
    const name = this.fresh(opType);
    const outputs = Array.from({ length: count }, (_, i) => (i === 0 ? name : `${name}:${i}`));
    this.nodes.push({ opType, inputs, outputs, name, attributes });
    return outputs;
  }

  /** The serialised ModelProto, every tensor in it. */
  toModel(options: ModelOptions): Uint8Array<ArrayBuffer> {
    return this.modelProto(options, (name, t) => tensorProto(name, t.type, t.dims, t.data)).encode();
  }

  /**
   * The model with each tensor of at least `minBytes` in the data file `location` (a name relative to
   * the model file's folder), so that a reader can take the weights without the model's bytes in memory.
   */
  toModelWithExternalData(options: ModelOptions, location: string, minBytes = 1024): ModelWithExternalData {
    const data: Uint8Array[] = [];
    let offset = 0;
    const model = this.modelProto(options, (name, t) => {
      if (t.data.length < minBytes) return tensorProto(name, t.type, t.dims, t.data);
      const padding = (EXTERNAL_ALIGNMENT - (offset % EXTERNAL_ALIGNMENT)) % EXTERNAL_ALIGNMENT;
      if (padding > 0) data.push(new Uint8Array(padding));
      offset += padding;
      data.push(t.data);
      const at = { location, offset, length: t.data.length };
      offset += t.data.length;
      return externalTensorProto(name, t.type, t.dims, at);
    });
    return { model: model.encode(), data };
  }

  private modelProto(
    options: ModelOptions,
    tensor: (name: Value, t: Initializer) => ProtoMessage,
  ): ProtoMessage {
    const used = this.usedValues();
    const graph = graphProto({
      name: this.name,
      nodes: this.nodes.filter((n) => n.outputs.some((v) => used.has(v))).map(nodeProto),
      initializers: [...this.initializers]
        .filter(([name]) => used.has(name))
        .map(([name, t]) => tensor(name, t)),
      inputs: this.inputs,
      outputs: this.outputs,
    });
    return modelProto({ irVersion: IR_VERSION, opset: OPSET, graph, ...options });
  }

  /** The values the outputs depend on (ONNX Runtime warns about initializers nothing reads). */
  private usedValues(): Set<Value> {
    const used = new Set(this.outputNames);
    for (const node of this.nodes.toReversed())
      if (node.outputs.some((v) => used.has(v))) for (const v of node.inputs) used.add(v);
    return used;
  }

  private constant(
    kind: string,
    values: number[],
    dims: number[],
    make: () => { type: DataType; data: Uint8Array },
  ): Value {
    const key = `${kind}${dims.join("x")}:${values.join(",")}`;
    let value = this.constants.get(key);
    if (!value) {
      const { type, data } = make();
      value = this.store(this.fresh("const"), type, dims, data);
      this.constants.set(key, value);
    }
    return value;
  }

  private store(name: string, type: DataType, dims: number[], data: Uint8Array): Value {
    this.initializers.set(name, { type, dims, data });
    this.dims.set(name, dims);
    return name;
  }

  private fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.counter++}`;
    while (this.names.has(name));
    this.names.add(name);
    return name;
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`ONNX graph: the name ${name} is taken`);
    this.names.add(name);
  }
}
