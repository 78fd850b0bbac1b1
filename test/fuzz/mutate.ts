/** @module Deterministic mutations of a real file: cuts, flipped bits, overwritten bytes, planted sizes. */
import { mulberry32 } from "@ugatit/model/architecture";

/** Values that make length and offset fields lie: zero, one, the edges of 16, 31, 32 and 64 bits. */
const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

/**
 * The `index`th mutant of `original` under `seed`: the same arguments give the same bytes. Half the
 * offsets fall in the first and last 4 kB, where the formats keep their headers and directories.
 */
export function mutate(original: Uint8Array, seed: number, index: number): Uint8Array {
  const random = mulberry32(Math.imul(seed, 0x9e3779b1) ^ index);
  const int = (n: number) => Math.floor(random() * n);
  const offset = (length: number) => {
    if (length === 0) return 0;
    if (random() < 0.5) return int(length);
    const near = int(Math.min(length, 4096));
    return random() < 0.5 ? near : length - 1 - near;
  };
  // A copy: on a Buffer, slice() would be a view and the mutations would pile up in the original.
  let bytes = new Uint8Array(original);
  const steps = 1 + int(3);
  for (let step = 0; step < steps; step++) {
    switch (int(6)) {
      case 0: // cut
        bytes = bytes.slice(0, offset(bytes.length));
        break;
      case 1: // flip bits
        for (let i = int(8) + 1; i > 0 && bytes.length > 0; i--) bytes[offset(bytes.length)]! ^= 1 << int(8);
        break;
      case 2: // overwrite a run with random bytes
        for (let at = offset(bytes.length), n = int(16) + 1; n > 0 && at < bytes.length; n--, at++)
          bytes[at] = int(256);
        break;
      case 3: {
        // plant a 16-, 32- or 64-bit little-endian length
        const width = [2, 4, 8][int(3)]!;
        const at = offset(bytes.length);
        if (at + width > bytes.length) break;
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const value = INTERESTING[int(INTERESTING.length)]!;
        if (width === 2) view.setUint16(at, value & 0xffff, true);
        else if (width === 4) view.setUint32(at, value >>> 0, true);
        else
          view.setBigUint64(at, random() < 0.5 ? BigInt(value) : 0xffffffffffffffffn - BigInt(value), true);
        break;
      }
      case 4: {
        // repeat a slice in place (duplicated records, nested structures)
        const from = offset(bytes.length);
        const slice = bytes.slice(from, from + int(64) + 1);
        const at = offset(bytes.length);
        const out = new Uint8Array(bytes.length + slice.length);
        out.set(bytes.subarray(0, at));
        out.set(slice, at);
        out.set(bytes.subarray(at), at + slice.length);
        bytes = out;
        break;
      }
      default: {
        // drop a run
        const at = offset(bytes.length);
        const n = int(64) + 1;
        const out = new Uint8Array(Math.max(at, bytes.length - n));
        out.set(bytes.subarray(0, at));
        out.set(bytes.subarray(at + n), at);
        bytes = out;
      }
    }
  }
  return bytes;
}
