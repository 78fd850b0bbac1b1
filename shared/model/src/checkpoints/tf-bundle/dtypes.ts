/** @module TensorFlow's DataType enum (types.proto): the names listings show, and which ones read as float32. */
import type { TensorDtype } from "../float32-read.ts";

export interface TfDtype {
  /** numpy-style name: `float32`, `int64`, `string`. */
  name: string;
  /** The float type the weight layer converts, or null when the tensor can be listed but not read. */
  readable: TensorDtype | null;
  /** Bytes per element; null for strings and variants (variable-length encodings). */
  size: number | null;
}

const DTYPES: Record<number, TfDtype> = {
  1: { name: "float32", readable: "float32", size: 4 },
  2: { name: "float64", readable: "float64", size: 8 },
  3: { name: "int32", readable: null, size: 4 },
  4: { name: "uint8", readable: null, size: 1 },
  5: { name: "int16", readable: null, size: 2 },
  6: { name: "int8", readable: null, size: 1 },
  7: { name: "string", readable: null, size: null },
  8: { name: "complex64", readable: null, size: 8 },
  9: { name: "int64", readable: null, size: 8 },
  10: { name: "bool", readable: null, size: 1 },
  11: { name: "qint8", readable: null, size: 1 },
  12: { name: "quint8", readable: null, size: 1 },
  13: { name: "qint32", readable: null, size: 4 },
  14: { name: "bfloat16", readable: "bfloat16", size: 2 },
  15: { name: "qint16", readable: null, size: 2 },
  16: { name: "quint16", readable: null, size: 2 },
  17: { name: "uint16", readable: null, size: 2 },
  18: { name: "complex128", readable: null, size: 16 },
  19: { name: "float16", readable: "float16", size: 2 },
  20: { name: "resource", readable: null, size: null },
  21: { name: "variant", readable: null, size: null },
  22: { name: "uint32", readable: null, size: 4 },
  23: { name: "uint64", readable: null, size: 8 },
  24: { name: "float8_e5m2", readable: null, size: 1 },
  25: { name: "float8_e4m3fn", readable: null, size: 1 },
};

/** The dtype for an enum value; unknown values list as `dtype_<n>` and cannot be read. */
export function tfDtype(code: number): TfDtype {
  return DTYPES[code] ?? { name: `dtype_${code}`, readable: null, size: null };
}
