/** @module A WeightFile over torch's tensor references, whichever container holds the storages. */
import type { ByteSource } from "./byte-source.ts";
import { CheckpointError, formatShape, unsupportedDtype } from "./errors.ts";
import { readFloat32 } from "./float32-read.ts";
import type { StorageRef, TensorRef } from "./torch-pickle.ts";
import { elementCount, type TensorInfo, type WeightFile } from "./weight-file.ts";

/** Where a storage's bytes are: `bytes` of them at `offset` in `source`. */
export interface StorageLocation {
  source: ByteSource;
  offset: number;
  bytes: number;
}

export interface TorchContainer {
  format: "torch-zip" | "torch-legacy";
  file: string;
  tensors: Map<string, TensorRef>;
  locate(storage: StorageRef): Promise<StorageLocation>;
  close(): Promise<void>;
}

export function torchWeightFile(container: TorchContainer): WeightFile {
  const { file, tensors: refs } = container;
  const tensors = new Map<string, TensorInfo>();
  for (const [name, ref] of refs) {
    const { storage } = ref;
    const count = elementCount(ref.shape);
    // A view with more elements than its storage repeats some (stride 0, overlaps): no weight does that,
    // and reading it would turn a small file into an arbitrarily large array.
    if (count > storage.numel) {
      throw new CheckpointError(
        "corrupt",
        file,
        `corrupt checkpoint: ${name} ${formatShape(ref.shape)} has ${count} elements, more than the ${storage.numel} of storage ${storage.key}`,
      );
    }
    const end = storage.viewOffset + ref.offset + spanOf(ref);
    if (!Number.isSafeInteger(end) || end > storage.numel) {
      throw new CheckpointError(
        "corrupt",
        file,
        `corrupt checkpoint: ${name} ${formatShape(ref.shape)} needs ${end} elements of storage ${storage.key}, which holds ${storage.numel}`,
      );
    }
    const storedAs = `torch.${storage.type.name}`;
    tensors.set(name, { name, shape: ref.shape, dtype: storage.type.dtype ?? "unsupported", storedAs });
  }
  return {
    format: container.format,
    file,
    tensors,
    metadata: {},
    async read(name) {
      const ref = refs.get(name);
      if (!ref) throw new CheckpointError("missing_key", file, `missing key: no tensor named ${name}`);
      const { storage, shape } = ref;
      const { dtype, elementSize, name: typeName } = storage.type;
      if (dtype === null || elementSize === null) throw unsupportedDtype(file, name, `torch.${typeName}`);
      const count = elementCount(shape);
      if (count === 0) return new Float32Array(0);
      const span = spanOf(ref);
      const start = storage.viewOffset + ref.offset;
      const location = await container.locate(storage);
      if ((start + span) * elementSize > location.bytes) {
        throw new CheckpointError(
          "corrupt",
          file,
          `corrupt checkpoint: storage ${storage.key} holds ${location.bytes} bytes, ${name} needs ${(start + span) * elementSize}`,
        );
      }
      const data = await readFloat32(location.source, location.offset + start * elementSize, span, dtype);
      return isContiguous(shape, ref.stride) ? data : gather(data, shape, ref.stride);
    },
    close: container.close,
  };
}

/** Elements from the first to the last one the view touches (strides are never negative in torch). */
function spanOf({ shape, stride }: TensorRef): number {
  if (shape.includes(0)) return 0;
  return 1 + shape.reduce((sum, size, d) => sum + (size - 1) * stride[d]!, 0);
}

function isContiguous(shape: number[], stride: number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

/** Copies a strided view (transposed, sliced, stepped) into row-major order. */
function gather(source: Float32Array, shape: number[], stride: number[]): Float32Array {
  const out = new Float32Array(elementCount(shape));
  const index = shape.map(() => 0);
  let at = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = source[at]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      at += stride[d]!;
      if (++index[d]! < shape[d]!) break;
      at -= stride[d]! * shape[d]!;
      index[d] = 0;
    }
  }
  return out;
}
