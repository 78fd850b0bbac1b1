import { open, readFile } from "node:fs/promises";
import { crc32 } from "node:zlib";
import { afterAll, beforeAll, expect, test } from "vitest";
import { openWeightFile } from "../open.ts";
import { scratch } from "../testing.ts";
import { writeTfBundle } from "./bundle-writer.ts";

let dir: Awaited<ReturnType<typeof scratch>>;
beforeAll(async () => {
  dir = await scratch();
});
afterAll(() => dir.remove());

const GIB = 2 ** 30;
const ZEROS = new Uint8Array(1 << 24);

/**
 * Like the released checkpoint: a zip over 4 GB whose data member is over 4 GB and whose index member
 * starts past 4 GB, so only zip64 fields can locate them. Written by hand with positional writes because
 * its gigabytes of zeros stay holes in a sparse file (writeZip holds each member in memory).
 */
test("a zip over 4 GB: the data member and the index member past 4 GB are found and read in place", async () => {
  const prefix = dir.path("UGATIT.model-1000000");
  const tail = Float32Array.from({ length: 3 * 3 * 8 * 8 }, (_, i) => i / 7 - 40);
  await writeTfBundle(prefix, [
    ...[0, 1, 2, 3, 4].map((i) => ({ name: `zeros_${i}`, shape: [GIB / 4], content: "zeros" as const })),
    { name: "generator_B/tail/kernel", shape: [3, 3, 8, 8], content: new Uint8Array(tail.buffer) },
  ]);
  const dataSize = 5 * GIB + tail.byteLength;
  const index = await readFile(`${prefix}.index`);
  const dataName = "ckpt/UGATIT.model-1000000.data-00000-of-00001";
  const indexName = "ckpt/UGATIT.model-1000000.index";

  const zip = await open(dir.path("release.zip"), "w");
  let crc = 0;
  for (let done = 0; done < 5 * GIB; done += ZEROS.length) crc = crc32(ZEROS, crc);
  const tailBytes = new Uint8Array(tail.buffer);
  const members = [
    { name: dataName, size: dataSize, crc: crc32(tailBytes, crc), offset: 0 },
    { name: indexName, size: index.length, crc: crc32(index), offset: 0 },
  ];
  let at = 0;
  const central: Buffer[] = [];
  for (const member of members) {
    member.offset = at;
    const name = Buffer.from(member.name);
    const extra = Buffer.alloc(20);
    extra.writeUInt16LE(1, 0);
    extra.writeUInt16LE(16, 2);
    extra.writeBigUInt64LE(BigInt(member.size), 4);
    extra.writeBigUInt64LE(BigInt(member.size), 12);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(45, 4);
    local.writeUInt32LE(member.crc, 14);
    local.writeUInt32LE(0xffffffff, 18);
    local.writeUInt32LE(0xffffffff, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extra.length, 28);
    const header = Buffer.concat([local, name, extra]);
    await zip.write(header, 0, header.length, at);
    at += header.length;
    if (member.name === dataName) await zip.write(tailBytes, 0, tailBytes.length, at + 5 * GIB);
    else await zip.write(index, 0, index.length, at);
    at += member.size;
    const centralExtra = Buffer.alloc(28);
    centralExtra.writeUInt16LE(1, 0);
    centralExtra.writeUInt16LE(24, 2);
    centralExtra.writeBigUInt64LE(BigInt(member.size), 4);
    centralExtra.writeBigUInt64LE(BigInt(member.size), 12);
    centralExtra.writeBigUInt64LE(BigInt(member.offset), 20);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(45, 4);
    entry.writeUInt16LE(45, 6);
    entry.writeUInt32LE(member.crc, 16);
    entry.writeUInt32LE(0xffffffff, 20);
    entry.writeUInt32LE(0xffffffff, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt16LE(centralExtra.length, 30);
    entry.writeUInt32LE(0xffffffff, 42);
    central.push(entry, name, centralExtra);
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(56 + 20 + 22);
  end.writeUInt32LE(0x06064b50, 0);
  end.writeBigUInt64LE(44n, 4);
  end.writeUInt16LE(45, 12);
  end.writeUInt16LE(45, 14);
  end.writeBigUInt64LE(2n, 24);
  end.writeBigUInt64LE(2n, 32);
  end.writeBigUInt64LE(BigInt(directory.length), 40);
  end.writeBigUInt64LE(BigInt(at), 48);
  end.writeUInt32LE(0x07064b50, 56);
  end.writeBigUInt64LE(BigInt(at + directory.length), 64);
  end.writeUInt32LE(1, 72);
  end.writeUInt32LE(0x06054b50, 76);
  end.writeUInt16LE(0xffff, 84);
  end.writeUInt16LE(0xffff, 86);
  end.writeUInt32LE(0xffffffff, 88);
  end.writeUInt32LE(0xffffffff, 92);
  await zip.write(Buffer.concat([directory, end]), 0, directory.length + end.length, at);
  await zip.close();
  expect(members[1]!.offset).toBeGreaterThan(2 ** 32);

  const file = await openWeightFile(dir.path("release.zip"));
  try {
    expect(file.file).toBe("release.zip:UGATIT.model-1000000.index");
    expect([...file.tensors.keys()]).toEqual(
      [0, 1, 2, 3, 4].map((i) => `zeros_${i}`).concat("generator_B/tail/kernel"),
    );
    expect(await file.read("generator_B/tail/kernel")).toEqual(tail);
  } finally {
    await file.close();
  }
}, 120_000);
