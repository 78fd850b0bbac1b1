import * as tf from "@tensorflow/tfjs-core";

/** A tensor as PyTorch stores it: row-major data with its PyTorch shape. */
export interface TorchTensor {
  shape: number[];
  data: Float32Array;
}

/** A state_dict with PyTorch names and layouts. */
export type TorchWeights = Map<string, TorchTensor>;

/** ES2024's transferable buffer, where the runtime has it (Node 22; not Node 20). */
interface TransferableBuffer {
  readonly detached?: boolean;
  transfer?(length: number): ArrayBuffer;
}

/**
 * Empties a state_dict and frees each tensor's memory now, where the tensor owns its whole buffer:
 * transferring the buffer to a new, empty one detaches it and releases its storage at once, instead of
 * at V8's next collection, which may come after the next large allocation (ONNX Runtime's copy of a
 * 1.1 GB generator). A tensor that is a view into a larger buffer, and every tensor on a runtime without
 * `ArrayBuffer.prototype.transfer`, is only dropped. Nothing else may hold the tensors' data.
 */
export function releaseWeights(weights: TorchWeights): void {
  for (const { data } of weights.values()) {
    const buffer = data.buffer;
    if (!(buffer instanceof ArrayBuffer) || data.byteOffset !== 0 || data.byteLength !== buffer.byteLength)
      continue;
    const transferable = buffer as ArrayBuffer & TransferableBuffer;
    if (transferable.transfer && !transferable.detached) transferable.transfer(0);
  }
  weights.clear();
}

/** Model parameters in TF.js layouts, keyed by their PyTorch names. */
export type Params = Map<string, tf.Tensor>;

const PER_CHANNEL = /\.(rho|gamma|beta)$/;

/**
 * Moves one PyTorch parameter to the layout the TF.js ops use: conv weights OIHW → HWIO,
 * per-channel [1, C, 1, 1] → [C]; Linear weights stay [out, in] (used with a transposed matmul).
 */
export function toTfLayout(name: string, t: TorchTensor): tf.Tensor {
  if (PER_CHANNEL.test(name)) return tf.tensor1d(t.data);
  if (t.shape.length === 4) {
    return tf.tidy(() =>
      tf.transpose(tf.tensor4d(t.data, t.shape as [number, number, number, number]), [2, 3, 1, 0]),
    );
  }
  return tf.tensor(t.data, t.shape);
}

/** The inverse of {@link toTfLayout}, for exporting to PyTorch's formats. */
export async function toTorchLayout(name: string, t: tf.Tensor, torchShape: number[]): Promise<TorchTensor> {
  const ordered = t.rank === 4 && !PER_CHANNEL.test(name) ? tf.transpose(t, [3, 2, 0, 1]) : t;
  const data = (await ordered.data()) as Float32Array;
  if (ordered !== t) ordered.dispose();
  return { shape: torchShape, data: new Float32Array(data) };
}

/** Uploads a state_dict to the active backend. */
export function paramsFromTorch(weights: TorchWeights): Params {
  const params: Params = new Map();
  for (const [name, t] of weights) params.set(name, toTfLayout(name, t));
  return params;
}

/** Looks a parameter up by PyTorch name, typed by the caller; a missing one is a programming error. */
export function param<T extends tf.Tensor>(params: Params, name: string): T {
  const t = params.get(name);
  if (!t) throw new Error(`model parameter ${name} is missing`);
  return t as T;
}
