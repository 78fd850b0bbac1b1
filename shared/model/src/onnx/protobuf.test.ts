import { describe, expect, it } from "vitest";
import { ProtoFormatError, ProtoMessage, protoFields, readVarint } from "./protobuf.ts";

const bytes = (m: ProtoMessage) => Array.from(m.encode());

describe("protobuf writer", () => {
  it("writes the spec's examples: varint 150, a string, a nested message", () => {
    // https://protobuf.dev/programming-guides/encoding/
    expect(bytes(new ProtoMessage().int(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytes(new ProtoMessage().string(2, "testing"))).toEqual([0x12, 0x07, ...Buffer.from("testing")]);
    expect(bytes(new ProtoMessage().message(3, new ProtoMessage().int(1, 150)))).toEqual([
      0x1a, 0x03, 0x08, 0x96, 0x01,
    ]);
  });

  it("writes negative int64 values in ten bytes, packed repeated ints and floats", () => {
    expect(bytes(new ProtoMessage().int(1, -1))).toEqual([0x08, ...Array(9).fill(0xff), 0x01]);
    expect(bytes(new ProtoMessage().ints(4, [3, 270, 86942]))).toEqual([
      0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05,
    ]);
    expect(bytes(new ProtoMessage().float(2, 1))).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
  });

  it("copies a bytes field once, into the final buffer, and refuses changes once sized", () => {
    const data = new Uint8Array(300).fill(7);
    const inner = new ProtoMessage().bytes(9, data);
    const outer = new ProtoMessage().message(1, inner);
    const out = outer.encode();
    expect(out.length).toBe(outer.size);
    expect(out.length).toBe(1 + 2 + 1 + 2 + 300);
    expect(Array.from(out.subarray(0, 6))).toEqual([0x0a, 0xaf, 0x02, 0x4a, 0xac, 0x02]);
    expect(() => inner.int(2, 1)).toThrow(/cannot change/);
  });
});

describe("protobuf reader", () => {
  it("walks the fields it wrote, skipping payloads", () => {
    const m = new ProtoMessage().int(1, 7).string(2, "abc").float(3, 0.5).int(4, -2).encode();
    const fields = [...protoFields(m)];
    expect(fields.map((f) => [f.field, f.wire])).toEqual([
      [1, 0],
      [2, 2],
      [3, 5],
      [4, 0],
    ]);
    expect(fields[0]?.value).toBe(7n);
    expect(BigInt.asIntN(64, fields[3]!.value)).toBe(-2n);
    const text = fields[1]!;
    expect(Buffer.from(m.subarray(text.offset, text.offset + text.length)).toString()).toBe("abc");
  });

  it("refuses truncated varints, fields past the end and unknown wire types", () => {
    expect(() => readVarint(new Uint8Array([0x80, 0x80]), 0)).toThrow(ProtoFormatError);
    expect(() => [...protoFields(new Uint8Array([0x12, 0x05, 0x61]))]).toThrow(/past the end/);
    expect(() => [...protoFields(new Uint8Array([0x0b]))]).toThrow(/wire type 3/);
  });
});
