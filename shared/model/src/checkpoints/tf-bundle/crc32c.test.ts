import { expect, test } from "vitest";
import { crc32c, maskCrc, unmaskCrc } from "./crc32c.ts";

test("CRC-32C of the standard check string, whole and in unaligned pieces", () => {
  const bytes = new TextEncoder().encode("123456789");
  expect(crc32c(bytes)).toBe(0xe3069283);
  expect(crc32c(bytes.subarray(5), crc32c(bytes.subarray(0, 5)))).toBe(0xe3069283);
  const long = Uint8Array.from({ length: 1000 }, (_, i) => (i * 131) & 0xff);
  const once = crc32c(long);
  expect(crc32c(long.subarray(3), crc32c(long.subarray(0, 3)))).toBe(once);
  expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
});

test("the mask is TensorFlow's rotation plus 0xa282ead8, and unmasking undoes it", () => {
  expect(maskCrc(0)).toBe(0xa282ead8);
  expect(maskCrc(0xe3069283)).toBe(0xc78ab0e5);
  for (const crc of [0, 1, 0xe3069283, 0xffffffff]) expect(unmaskCrc(maskCrc(crc))).toBe(crc);
});
