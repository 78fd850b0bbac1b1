/** @module Interleaved pixels (channels last, as images are stored) to the planes ONNX models take, and back. */

/**
 * `[n, hw, c]` → `[n, c, hw]`: NHWC to NCHW for a batch of `n` images of `hw` pixels and `c` channels.
 *
 * @example
 * const nchw = toChannelsFirst(rgbToModelInput(rgb, 256, 256), 1, 256 * 256, 3); // [1, 3, 256, 256]
 */
export function toChannelsFirst(data: Float32Array, n: number, hw: number, c: number): Float32Array {
  return transpose(data, n, hw, c, false);
}

/**
 * `[n, c, hw]` → `[n, hw, c]`: NCHW to NHWC, the inverse of {@link toChannelsFirst}.
 *
 * @example
 * const rgb = modelOutputToRgb(toChannelsLast(image, 1, 256 * 256, 3)); // [256, 256, 3]
 */
export function toChannelsLast(data: Float32Array, n: number, hw: number, c: number): Float32Array {
  return transpose(data, n, hw, c, true);
}

function transpose(data: Float32Array, n: number, hw: number, c: number, toLast: boolean): Float32Array {
  if (data.length !== n * hw * c) {
    throw new RangeError(`${data.length} values is not ${n} × ${hw} pixels × ${c} channels`);
  }
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) {
    const base = b * hw * c;
    for (let p = 0; p < hw; p++) {
      for (let k = 0; k < c; k++) {
        const last = base + p * c + k;
        const first = base + k * hw + p;
        if (toLast) out[last] = data[first]!;
        else out[first] = data[last]!;
      }
    }
  }
  return out;
}
