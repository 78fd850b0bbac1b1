/** @module Small files that once cost minutes or gigabytes to refuse, built for the tests that guard against them. */
import { constants, deflateRawSync } from "node:zlib";

/** A legacy-format pickle whose first value is one LONG4 integer of `bytes` bytes. */
export function longPickle(bytes: number): Uint8Array {
  const out = new Uint8Array(2 + 5 + bytes + 1);
  out.set([0x80, 0x02, 0x8b]);
  new DataView(out.buffer).setInt32(3, bytes, true);
  out.fill(0x7f, 7, 7 + bytes);
  out[out.length - 1] = 0x2e;
  return out;
}

/**
 * A raw deflate stream that inflates to `mebibytes` MiB of zeros, in about 1 kB per MiB: one MiB
 * compressed alone (so it refers only to itself) and sync-flushed (so it ends on a byte), repeated, then
 * an empty final block.
 */
export function zeroBomb(mebibytes: number): Uint8Array {
  const chunk = deflateRawSync(new Uint8Array(1 << 20), { finishFlush: constants.Z_SYNC_FLUSH, level: 9 });
  const out = new Uint8Array(chunk.length * mebibytes + 2);
  for (let i = 0; i < mebibytes; i++) out.set(chunk, i * chunk.length);
  out.set([0x03, 0x00], chunk.length * mebibytes); // BFINAL, fixed Huffman, end of block
  return out;
}

/**
 * A torch-style zip holding only `archive/data.pkl`, deflated from `data`, declaring `declaredSize`
 * bytes when inflated.
 */
export function zipWithPickle(data: Uint8Array, declaredSize: number): Uint8Array {
  const name = new TextEncoder().encode("archive/data.pkl");
  const local = new Uint8Array(30 + name.length);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x04034b50, true);
  lv.setUint16(4, 20, true);
  lv.setUint16(8, 8, true); // deflate
  lv.setUint32(18, data.length, true);
  lv.setUint32(22, declaredSize, true);
  lv.setUint16(26, name.length, true);
  local.set(name, 30);
  const central = new Uint8Array(46 + name.length);
  const cv = new DataView(central.buffer);
  cv.setUint32(0, 0x02014b50, true);
  cv.setUint16(4, 20, true);
  cv.setUint16(6, 20, true);
  cv.setUint16(10, 8, true);
  cv.setUint32(20, data.length, true);
  cv.setUint32(24, declaredSize, true);
  cv.setUint16(28, name.length, true);
  cv.setUint32(42, 0, true);
  central.set(name, 46);
  const directoryOffset = local.length + data.length;
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, 1, true);
  ev.setUint16(10, 1, true);
  ev.setUint32(12, central.length, true);
  ev.setUint32(16, directoryOffset, true);
  const out = new Uint8Array(directoryOffset + central.length + eocd.length);
  out.set(local, 0);
  out.set(data, local.length);
  out.set(central, directoryOffset);
  out.set(eocd, directoryOffset + central.length);
  return out;
}
