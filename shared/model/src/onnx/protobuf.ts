/**
 * @module The protobuf wire format, as much of it as ONNX files need: writing messages whose large byte
 * fields (tensor data) are copied once, into the final buffer, and walking a message's top-level fields.
 */

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_LENGTH_DELIMITED = 2;

/** A message being written: encoded scalars, and references to byte arrays and sub-messages. */
export class ProtoMessage {
  private readonly parts: (Uint8Array | ProtoMessage)[] = [];
  private scratch: number[] = [];
  private cachedSize = -1;

  /** An int32/int64/enum/bool field; negative numbers take ten bytes, as protobuf's int64 does. */
  int(field: number, value: number | bigint): this {
    this.key(field, WIRE_VARINT);
    pushVarint(this.scratch, BigInt.asUintN(64, BigInt(value)));
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, WIRE_FIXED32);
    const bytes = new Uint8Array(new Float32Array([value]).buffer);
    this.scratch.push(...bytes);
    return this;
  }

  /** A fixed32 field (an unsigned 32-bit value stored as four little-endian bytes). */
  fixed32(field: number, value: number): this {
    this.key(field, WIRE_FIXED32);
    this.scratch.push(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
    return this;
  }

  /** A packed repeated int64 field. */
  ints(field: number, values: readonly (number | bigint)[]): this {
    const body: number[] = [];
    for (const v of values) pushVarint(body, BigInt.asUintN(64, BigInt(v)));
    this.key(field, WIRE_LENGTH_DELIMITED);
    pushVarint(this.scratch, BigInt(body.length));
    this.scratch.push(...body);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** A bytes field; `value` is referenced, not copied, until {@link encode}. */
  bytes(field: number, value: Uint8Array): this {
    this.key(field, WIRE_LENGTH_DELIMITED);
    pushVarint(this.scratch, BigInt(value.length));
    this.flush();
    this.parts.push(value);
    return this;
  }

  message(field: number, value: ProtoMessage): this {
    this.key(field, WIRE_LENGTH_DELIMITED);
    pushVarint(this.scratch, BigInt(value.size));
    this.flush();
    this.parts.push(value);
    return this;
  }

  /** Encoded size in bytes; fixed once asked for (its parent needs it). */
  get size(): number {
    if (this.cachedSize < 0) {
      this.flush();
      this.cachedSize = this.parts.reduce((n, p) => n + (p instanceof ProtoMessage ? p.size : p.length), 0);
    }
    return this.cachedSize;
  }

  encode(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.size);
    this.writeInto(out, 0);
    return out;
  }

  private writeInto(out: Uint8Array, offset: number): number {
    let at = offset;
    for (const part of this.parts) {
      if (part instanceof ProtoMessage) {
        at = part.writeInto(out, at);
      } else {
        out.set(part, at);
        at += part.length;
      }
    }
    return at;
  }

  private key(field: number, wire: number): void {
    if (this.cachedSize >= 0) throw new Error("a protobuf message cannot change once its size is known");
    pushVarint(this.scratch, BigInt((field << 3) | wire));
  }

  private flush(): void {
    if (this.scratch.length === 0) return;
    this.parts.push(Uint8Array.from(this.scratch));
    this.scratch = [];
  }
}

function pushVarint(out: number[], value: bigint): void {
  let v = value;
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}

/** One field of a message as read: a varint's value, or where a length-delimited field's bytes are. */
export interface ProtoField {
  field: number;
  wire: number;
  /** The varint value (wire type 0). */
  value: bigint;
  /** Where the field's payload starts (for length-delimited fields) and its length. */
  offset: number;
  length: number;
}

export class ProtoFormatError extends Error {
  override name = "ProtoFormatError";
}

/** Reads a varint at `offset` of `bytes`: its value and the offset after it. */
export function readVarint(bytes: Uint8Array, offset: number): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  let at = offset;
  for (;;) {
    if (at >= bytes.length) throw new ProtoFormatError("truncated varint");
    const b = bytes[at++] as number;
    value |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return { value, next: at };
    shift += 7n;
    if (shift > 63n) throw new ProtoFormatError("varint longer than ten bytes");
  }
}

/**
 * The top-level fields of one message whose bytes are `bytes` (only the field's key and length are read:
 * a length-delimited payload is skipped, so a large message can be walked from its first bytes).
 */
export function* protoFields(bytes: Uint8Array, start = 0, end = bytes.length): Generator<ProtoField> {
  let at = start;
  while (at < end) {
    const key = readVarint(bytes, at);
    const field = Number(key.value >> 3n);
    const wire = Number(key.value & 7n);
    at = key.next;
    if (wire === WIRE_VARINT) {
      const v = readVarint(bytes, at);
      yield { field, wire, value: v.value, offset: at, length: v.next - at };
      at = v.next;
    } else if (wire === WIRE_LENGTH_DELIMITED) {
      const len = readVarint(bytes, at);
      const length = Number(len.value);
      if (len.next + length > end) throw new ProtoFormatError("a field runs past the end of its message");
      yield { field, wire, value: 0n, offset: len.next, length };
      at = len.next + length;
    } else if (wire === WIRE_FIXED32 || wire === 1) {
      const length = wire === WIRE_FIXED32 ? 4 : 8;
      if (at + length > end) throw new ProtoFormatError("a field runs past the end of its message");
      yield { field, wire, value: 0n, offset: at, length };
      at += length;
    } else {
      throw new ProtoFormatError(`unsupported wire type ${wire}`);
    }
    if (at > end) throw new ProtoFormatError("a field runs past the end of its message");
  }
}
