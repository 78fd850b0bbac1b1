import type { ByteSource } from "./byte-source.ts";
import { bfloat16ToFloat32, float16ToFloat32 } from "./half.ts";

/** The element types the weight layer converts to float32. */
export type TensorDtype = "float32" | "float16" | "bfloat16" | "float64";

export const DTYPE_SIZE: Record<TensorDtype, number> = { float32: 4, float16: 2, bfloat16: 2, float64: 8 };

// Typed arrays use the host byte order; every platform Node supports for this service is little-endian.

/** Converted in slices so a big fp16/fp64 tensor never needs a second full-size buffer. */
const SLICE_ELEMENTS = 1 << 22;

/**
 * Reads `count` little-endian elements of `dtype` at byte `position` as float32.
 * float32 data goes straight into the result's buffer, with no intermediate copy.
 */
export async function readFloat32(
  source: ByteSource,
  position: number,
  count: number,
  dtype: TensorDtype,
): Promise<Float32Array> {
  const out = new Float32Array(count);
  if (dtype === "float32") {
    await source.readInto(new Uint8Array(out.buffer), position);
    return out;
  }
  const size = DTYPE_SIZE[dtype];
  const slice = new ArrayBuffer(Math.min(count, SLICE_ELEMENTS) * size);
  for (let start = 0; start < count; start += SLICE_ELEMENTS) {
    const n = Math.min(SLICE_ELEMENTS, count - start);
    await source.readInto(new Uint8Array(slice, 0, n * size), position + start * size);
    const target = out.subarray(start, start + n);
    if (dtype === "float16") float16ToFloat32(new Uint16Array(slice, 0, n), target);
    else if (dtype === "bfloat16") bfloat16ToFloat32(new Uint16Array(slice, 0, n), target);
    else target.set(new Float64Array(slice, 0, n));
  }
  return out;
}
