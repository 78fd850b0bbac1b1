/**
 * Minimal NumPy `.npy` reader/writer for float32 test fixtures.
 *
 * Supported: dtype `<f4` (float32 little-endian; `|f4`/`=f4` are not produced by NumPy for f4),
 * C order, format versions 1.0 (2-byte header length) and 2.0 (4-byte header length).
 * Anything else (other dtypes, big-endian, Fortran order, version 3.0, object arrays) is rejected
 * with an error naming the file and the reason.
 */
import { readFileSync, writeFileSync } from "node:fs";

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function fail(source: string, reason: string): never {
  throw new Error(`npy: ${source}: ${reason}`);
}

/** Parse the header dict, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`. */
function parseHeader(
  text: string,
  source: string,
): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    fail(source, `malformed header ${JSON.stringify(text.trim())}`);
  }
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      if (!/^\d+L?$/.test(s)) fail(source, `bad dimension ${JSON.stringify(s)} in shape (${shapeText})`);
      return Number.parseInt(s, 10);
    });
  return { descr, fortranOrder: fortran === "True", shape };
}

/** Decode an in-memory `.npy` file. `source` only labels error messages. */
export function parseNpy(bytes: Uint8Array, source = "<buffer>"): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail(source, "not a .npy file (bad magic)");
  const major = bytes[6]!;
  const minor = bytes[7]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1 && minor === 0) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 && minor === 0) {
    if (bytes.length < 12) fail(source, "truncated version 2.0 preamble");
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    fail(source, `unsupported .npy format version ${major}.${minor} (only 1.0 and 2.0)`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) fail(source, "truncated header");
  const header = new TextDecoder("latin1").decode(bytes.subarray(headerStart, dataStart));
  const { descr, fortranOrder, shape } = parseHeader(header, source);
  if (descr !== "<f4") {
    fail(source, `unsupported dtype '${descr}' (only '<f4', float32 little-endian)`);
  }
  if (fortranOrder) fail(source, "Fortran-order arrays are not supported (save with C order)");

  const count = shape.reduce((a, b) => a * b, 1);
  const byteLen = count * 4;
  if (bytes.length - dataStart < byteLen) {
    fail(
      source,
      `data too short: shape (${shape.join(", ")}) needs ${byteLen} bytes, file has ${bytes.length - dataStart}`,
    );
  }
  // Copy into a fresh, aligned buffer: the Buffer we were given may sit at any offset of a pool.
  const data = new Float32Array(count);
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(data.buffer).set(bytes.subarray(dataStart, dataStart + byteLen));
  } else {
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(dataStart + 4 * i, true);
  }
  return { shape, data };
}

/** Read a float32 C-order `.npy` file (format 1.0 or 2.0). */
export function readNpy(path: string): NpyArray {
  return parseNpy(readFileSync(path), path);
}

/** Encode a float32 array as `.npy` (format 1.0, or 2.0 when the header needs it). */
export function encodeNpy(shape: readonly number[], data: Float32Array): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new Error(`npy: shape (${shape.join(", ")}) has ${count} elements but data has ${data.length}`);
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad with spaces so the data starts on a 64-byte boundary; the header ends with '\n'.
  let preamble = 10;
  let total = Math.ceil((preamble + dict.length + 1) / 64) * 64;
  if (total - preamble > 0xffff) {
    preamble = 12;
    total = Math.ceil((preamble + dict.length + 1) / 64) * 64;
  }
  const headerLen = total - preamble;
  const header = `${dict}${" ".repeat(headerLen - dict.length - 1)}\n`;
  const out = new Uint8Array(total + data.length * 4);
  out.set(MAGIC, 0);
  out[6] = preamble === 10 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (preamble === 10) view.setUint16(8, headerLen, true);
  else view.setUint32(8, headerLen, true);
  for (let i = 0; i < header.length; i++) out[preamble + i] = header.charCodeAt(i);
  for (let i = 0; i < data.length; i++) view.setFloat32(total + 4 * i, data[i]!, true);
  return out;
}

/** Write a float32 array as a C-order `<f4` `.npy` file. */
export function writeNpy(path: string, shape: readonly number[], data: Float32Array): void {
  writeFileSync(path, encodeNpy(shape, data));
}
