/** @module IEEE 754 binary16 and bfloat16 conversions, bit-exact, on whole arrays. */

/**
 * float32 → float16 bits, rounding to nearest even; overflow gives ±inf, tiny values become
 * subnormals or ±0, NaN stays NaN.
 *
 * @example float32ToFloat16(new Float32Array([1, 65504, 1e-8])) // Uint16Array [0x3c00, 0x7bff, 0x0000]
 */
export function float32ToFloat16(src: Float32Array, out = new Uint16Array(src.length)): Uint16Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfBits(bits[i]!);
  return out;
}

function halfBits(f: number): number {
  const sign = (f >>> 16) & 0x8000;
  const exponent = (f >>> 23) & 0xff;
  const mantissa = f & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200 | (mantissa >>> 13));
  const e = exponent - 112; // rebias 127 → 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half: the significand (with its implicit 1) shifted right by 14 - e.
    const shift = 14 - e;
    if (shift > 24) return sign;
    const significand = mantissa | 0x800000;
    return sign | roundShift(significand, shift);
  }
  // A carry out of the mantissa bumps the exponent, up to 0x7c00 (inf): exactly what rounding wants.
  return sign | roundShift((e << 23) | mantissa, 13);
}

/** value >> shift, rounded to nearest, ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}

/** float16 bits → float32 (exact). */
export function float16ToFloat32(src: Uint16Array, out = new Float32Array(src.length)): Float32Array {
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) {
    const h = src[i]!;
    const sign = (h & 0x8000) << 16;
    const exponent = (h >>> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0x1f) bits[i] = sign | 0x7f800000 | (mantissa << 13);
    else if (exponent !== 0) bits[i] = sign | ((exponent + 112) << 23) | (mantissa << 13);
    else out[i] = (sign ? -mantissa : mantissa) * 2 ** -24; // zero or subnormal, exact in float32
  }
  return out;
}

/** bfloat16 bits → float32 (exact: bfloat16 is the top half of a float32). */
export function bfloat16ToFloat32(src: Uint16Array, out = new Float32Array(src.length)): Float32Array {
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) bits[i] = src[i]! << 16;
  return out;
}
