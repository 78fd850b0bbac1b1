import { CheckpointError, formatShape } from "./errors.ts";
import type { TensorDtype } from "./float32-read.ts";

export type { TensorDtype } from "./float32-read.ts";

/** One tensor as a weight file lists it, before any of its data is read. */
export interface TensorInfo {
  /** Fully qualified: `genA2B.DownBlock.1.weight` in an official checkpoint, bare in a bare state_dict. */
  name: string;
  shape: number[];
  /** How it is stored; "unsupported" (ints, complex, …) is listed but cannot be read. */
  dtype: TensorDtype | "unsupported";
  /** The file's own name for the type: `torch.FloatStorage`, `F16`, … */
  storedAs: string;
}

/** An open checkpoint: the tensor list comes from its index alone; data is read per tensor, on demand. */
export interface WeightFile {
  format: "torch-zip" | "torch-legacy" | "safetensors" | "tf-bundle";
  /** The file's base name, as messages show it. */
  file: string;
  tensors: Map<string, TensorInfo>;
  /** safetensors `__metadata__`; empty for PyTorch files. */
  metadata: Record<string, string>;
  /** The tensor's elements in row-major order as float32 (fp16, bf16 and fp64 are converted). */
  read(name: string): Promise<Float32Array>;
  close(): Promise<void>;
}

/** The number of values a tensor of `shape` holds. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** Writers check that the values given for a tensor fill its shape exactly. */
export function checkValueCount(file: string, name: string, shape: number[], data: Float32Array): void {
  const count = elementCount(shape);
  if (data.length !== count) {
    throw new CheckpointError(
      "wrong_shape",
      file,
      `wrong shape: ${name} has ${data.length} values, shape ${formatShape(shape)} needs ${count}`,
    );
  }
}
