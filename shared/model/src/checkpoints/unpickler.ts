/**
 * @module A pickle reader for what torch.save writes (protocols 0..5, no out-of-band buffers).
 * It only builds values: dicts are Maps, lists and tuples arrays, globals inert unless the hooks
 * resolve them. Nothing from the file is ever executed.
 */

/** A global (`module.name`) the hooks did not resolve, kept as a value. */
export class PickleGlobal {
  readonly module: string;
  readonly name: string;
  constructor(module: string, name: string) {
    this.module = module;
    this.name = name;
  }
}

/** What calling an unresolved global made (REDUCE / NEWOBJ), with what BUILD, SETITEM and APPEND gave it. */
export class PickleObject {
  readonly callable: unknown;
  readonly args: unknown[];
  state: unknown;
  readonly items = new Map<unknown, unknown>();
  readonly elements: unknown[] = [];
  constructor(callable: unknown, args: unknown[]) {
    this.callable = callable;
    this.args = args;
  }
}

export interface PickleHooks {
  /** Resolves GLOBAL / STACK_GLOBAL; a function returned here is called by REDUCE / NEWOBJ with the args. */
  findClass?(module: string, name: string): unknown;
  /** Turns a persistent id (BINPERSID / PERSID) into a value. */
  persistentLoad?(pid: unknown): unknown;
}

/** A stream that is not a pickle this reader understands; `truncated` when the bytes ran out. */
export class PickleError extends Error {
  readonly truncated: boolean;
  constructor(message: string, truncated = false) {
    super(message);
    this.truncated = truncated;
  }
}

/**
 * What one pickle may hold. A checkpoint's pickle is a few hundred kB of small values; these bounds keep
 * a hostile one from costing more than linear time and a small multiple of its size in memory.
 */
export const PICKLE_LIMITS = {
  /** A pickle (torch's data.pkl, the legacy format's pickles) not done within this many bytes is refused unread. */
  maxBytes: 32 << 20,
  /** LONG1 / LONG4 operand bytes (torch's magic number takes 10); Python allows more, torch never needs it. */
  maxLongBytes: 64,
  /** Digits of a text INT / LONG, as Python's own int_max_str_digits bounds them. */
  maxIntDigits: 4300,
  /** Values pushed in all (each a JS object or number); about 50 per tensor in a state_dict. */
  maxValues: 4_000_000,
  /** Open MARKs at once. */
  maxMarks: 10_000,
  /** Memo slots; their indexes too, as PUT / LONG_BINPUT may name any. */
  maxMemo: 1_000_000,
} as const;

/** Reads one pickle starting at `start`; `end` is the offset just after its STOP. */
export function unpickle(
  bytes: Uint8Array,
  start: number,
  hooks: PickleHooks = {},
): { value: unknown; end: number } {
  return new Unpickler(bytes, start, hooks).run();
}

const text = new TextDecoder();

class Unpickler {
  private readonly bytes: Uint8Array;
  private readonly hooks: PickleHooks;
  private readonly data: DataView;
  private pos: number;
  private stack: unknown[] = [];
  private readonly marks: unknown[][] = [];
  private readonly memo = new Map<number, unknown>();
  private values = 0;

  constructor(bytes: Uint8Array, start: number, hooks: PickleHooks) {
    this.bytes = bytes;
    this.hooks = hooks;
    this.data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  run(): { value: unknown; end: number } {
    for (;;) {
      const at = this.pos;
      const op = this.u8();
      switch (op) {
        case 0x80: // PROTO
          if (this.u8() > 5) throw new PickleError(`pickle protocol above 5 at offset ${at}`);
          break;
        case 0x95: // FRAME: a length prefix only
          this.skip(8);
          break;
        case 0x2e: // STOP
          return { value: this.pop(), end: this.pos };
        case 0x28: // MARK
          if (this.marks.length >= PICKLE_LIMITS.maxMarks) {
            throw new PickleError(`pickle nests over ${PICKLE_LIMITS.maxMarks} MARKs at offset ${at}`);
          }
          this.marks.push(this.stack);
          this.stack = [];
          break;
        case 0x29: // EMPTY_TUPLE
        case 0x5d: // EMPTY_LIST
          this.push([]);
          break;
        case 0x7d: // EMPTY_DICT
          this.push(new Map());
          break;
        case 0x8f: // EMPTY_SET
          this.push(new Set());
          break;
        case 0x4e: // NONE
          this.push(null);
          break;
        case 0x88: // NEWTRUE
          this.push(true);
          break;
        case 0x89: // NEWFALSE
          this.push(false);
          break;
        case 0x4a: // BININT
          this.push(this.data.getInt32(this.skip(4), true));
          break;
        case 0x4b: // BININT1
          this.push(this.u8());
          break;
        case 0x4d: // BININT2
          this.push(this.data.getUint16(this.skip(2), true));
          break;
        case 0x8a: // LONG1
          this.push(this.long(this.u8(), at));
          break;
        case 0x8b: // LONG4
          this.push(this.long(this.length(this.data.getInt32(this.skip(4), true)), at));
          break;
        case 0x47: // BINFLOAT (big-endian)
          this.push(this.data.getFloat64(this.skip(8), false));
          break;
        case 0x8c: // SHORT_BINUNICODE
        case 0x55: // SHORT_BINSTRING
          this.push(this.string(this.u8()));
          break;
        case 0x58: // BINUNICODE
        case 0x54: // BINSTRING
          this.push(this.string(this.length(this.data.getUint32(this.skip(4), true))));
          break;
        case 0x8d: // BINUNICODE8
          this.push(this.string(this.u64()));
          break;
        case 0x43: // SHORT_BINBYTES
          this.push(this.raw(this.u8()));
          break;
        case 0x42: // BINBYTES
          this.push(this.raw(this.length(this.data.getUint32(this.skip(4), true))));
          break;
        case 0x8e: // BINBYTES8
        case 0x96: // BYTEARRAY8
          this.push(this.raw(this.u64()));
          break;
        case 0x49: // INT (text; "00" / "01" are False / True)
          this.push(this.textInt(this.line()));
          break;
        case 0x4c: // LONG (text, "123L")
          this.push(this.textInt(this.line().replace(/L$/, "")));
          break;
        case 0x46: // FLOAT (text)
          this.push(Number.parseFloat(this.line()));
          break;
        case 0x74: // TUPLE
        case 0x6c: // LIST
          this.push(this.popMark());
          break;
        case 0x85: // TUPLE1
          this.push([this.pop()]);
          break;
        case 0x86: {
          // TUPLE2
          const b = this.pop();
          this.push([this.pop(), b]);
          break;
        }
        case 0x87: {
          // TUPLE3
          const c = this.pop();
          const b = this.pop();
          this.push([this.pop(), b, c]);
          break;
        }
        case 0x64: // DICT
          this.push(this.setItems(new Map(), this.popMark()));
          break;
        case 0x73: {
          // SETITEM
          const value = this.pop();
          const key = this.pop();
          this.setItems(this.top(), [key, value]);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = this.popMark();
          this.setItems(this.top(), items);
          break;
        }
        case 0x61: {
          // APPEND
          const item = this.pop();
          this.append(this.top(), [item]);
          break;
        }
        case 0x65: // APPENDS
        case 0x90: {
          // ADDITEMS
          const items = this.popMark();
          this.append(this.top(), items);
          break;
        }
        case 0x91: // FROZENSET
          this.push(new Set(this.popMark()));
          break;
        case 0x71: // BINPUT
          this.put(this.u8(), at);
          break;
        case 0x72: // LONG_BINPUT
          this.put(this.data.getUint32(this.skip(4), true), at);
          break;
        case 0x70: // PUT (text)
          this.put(Number(this.line()), at);
          break;
        case 0x94: // MEMOIZE
          this.put(this.memo.size, at);
          break;
        case 0x68: // BINGET
          this.push(this.get(this.u8()));
          break;
        case 0x6a: // LONG_BINGET
          this.push(this.get(this.data.getUint32(this.skip(4), true)));
          break;
        case 0x67: // GET (text)
          this.push(this.get(Number(this.line())));
          break;
        case 0x63: {
          // GLOBAL
          const module = this.line();
          this.push(this.findClass(module, this.line()));
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== "string" || typeof name !== "string") {
            throw new PickleError(`STACK_GLOBAL without strings at offset ${at}`);
          }
          this.push(this.findClass(module, name));
          break;
        }
        case 0x52: // REDUCE
        case 0x81: {
          // NEWOBJ
          const args = this.pop();
          this.push(this.call(this.pop(), args, at));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX (keyword arguments are not used by anything torch saves)
          this.pop();
          const args = this.pop();
          this.push(this.call(this.pop(), args, at));
          break;
        }
        case 0x62: {
          // BUILD
          const state = this.pop();
          const target = this.top();
          if (target instanceof PickleObject) target.state = state;
          break;
        }
        case 0x51: // BINPERSID
          this.push(this.persistentLoad(this.pop()));
          break;
        case 0x50: // PERSID (text)
          this.push(this.persistentLoad(this.line()));
          break;
        case 0x30: // POP
          if (this.stack.length > 0) this.stack.pop();
          else this.popMark();
          break;
        case 0x31: // POP_MARK
          this.popMark();
          break;
        case 0x32: // DUP
          this.push(this.top());
          break;
        default:
          throw new PickleError(
            `unsupported pickle opcode 0x${op.toString(16).padStart(2, "0")} at offset ${at}`,
          );
      }
    }
  }

  private skip(n: number): number {
    const at = this.pos;
    if (at + n > this.bytes.length) {
      throw new PickleError(
        `pickle needs ${n} bytes at offset ${at}, data ends at ${this.bytes.length}`,
        true,
      );
    }
    this.pos += n;
    return at;
  }

  private u8(): number {
    return this.bytes[this.skip(1)]!;
  }

  private u64(): number {
    return this.length(Number(this.data.getBigUint64(this.skip(8), true)));
  }

  private length(n: number): number {
    if (n < 0 || !Number.isSafeInteger(n))
      throw new PickleError(`bad pickle length ${n} at offset ${this.pos}`);
    return n;
  }

  private raw(n: number): Uint8Array {
    const at = this.skip(n);
    return this.bytes.slice(at, at + n);
  }

  private string(n: number): string {
    const at = this.skip(n);
    return text.decode(this.bytes.subarray(at, at + n));
  }

  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) throw new PickleError(`pickle line at offset ${this.pos} never ends`, true);
    const value = text.decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return value;
  }

  /**
   * Little-endian two's complement of n bytes; a number when it fits exactly, a bigint otherwise. Built
   * from one hex string (linear), not byte by byte with shifts (quadratic in n).
   */
  private long(n: number, op: number): number | bigint {
    if (n > PICKLE_LIMITS.maxLongBytes) {
      throw new PickleError(
        `pickle integer of ${n} bytes at offset ${op}, over the ${PICKLE_LIMITS.maxLongBytes}-byte limit`,
      );
    }
    const at = this.skip(n);
    if (n === 0) return 0;
    let hex = "";
    for (let i = n - 1; i >= 0; i--) hex += this.bytes[at + i]!.toString(16).padStart(2, "0");
    let value = BigInt(`0x${hex}`);
    if (this.bytes[at + n - 1]! >= 0x80) value -= 1n << BigInt(8 * n);
    return exact(value);
  }

  private textInt(line: string): number | bigint | boolean {
    if (line === "00") return false;
    if (line === "01") return true;
    if (line.length > PICKLE_LIMITS.maxIntDigits + 1) {
      throw new PickleError(
        `pickle integer of ${line.length} digits, over the ${PICKLE_LIMITS.maxIntDigits}-digit limit`,
      );
    }
    if (!/^[-+]?\d+$/.test(line))
      throw new PickleError(`bad pickle integer ${JSON.stringify(line.slice(0, 40))}`);
    return exact(BigInt(line));
  }

  private push(value: unknown): void {
    if (++this.values > PICKLE_LIMITS.maxValues) {
      throw new PickleError(`pickle holds over ${PICKLE_LIMITS.maxValues} values`);
    }
    this.stack.push(value);
  }

  private put(index: number, op: number): void {
    if (
      !(index < PICKLE_LIMITS.maxMemo) ||
      (this.memo.size >= PICKLE_LIMITS.maxMemo && !this.memo.has(index))
    ) {
      throw new PickleError(
        `pickle memo index ${index} at offset ${op}, over the ${PICKLE_LIMITS.maxMemo}-slot limit`,
      );
    }
    this.memo.set(index, this.top());
  }

  private pop(): unknown {
    if (this.stack.length === 0) throw new PickleError(`pickle stack underflow at offset ${this.pos - 1}`);
    return this.stack.pop();
  }

  private top(): unknown {
    if (this.stack.length === 0) throw new PickleError(`pickle stack underflow at offset ${this.pos - 1}`);
    return this.stack[this.stack.length - 1];
  }

  private popMark(): unknown[] {
    const items = this.stack;
    const previous = this.marks.pop();
    if (!previous) throw new PickleError(`pickle MARK missing at offset ${this.pos - 1}`);
    this.stack = previous;
    return items;
  }

  private get(index: number): unknown {
    if (!this.memo.has(index)) throw new PickleError(`pickle memo ${index} unset at offset ${this.pos}`);
    return this.memo.get(index);
  }

  private setItems(target: unknown, items: unknown[]): unknown {
    const map = target instanceof PickleObject ? target.items : target;
    if (!(map instanceof Map)) throw new PickleError(`SETITEM on a non-dict at offset ${this.pos - 1}`);
    if (items.length % 2 !== 0) throw new PickleError(`odd SETITEMS at offset ${this.pos - 1}`);
    for (let i = 0; i < items.length; i += 2) map.set(items[i], items[i + 1]);
    return target;
  }

  private append(target: unknown, items: unknown[]): void {
    const list = target instanceof PickleObject ? target.elements : target;
    if (Array.isArray(list)) for (const item of items) list.push(item);
    else if (list instanceof Set) for (const item of items) list.add(item);
    else throw new PickleError(`APPEND on a non-list at offset ${this.pos - 1}`);
  }

  private findClass(module: string, name: string): unknown {
    return this.hooks.findClass?.(module, name) ?? new PickleGlobal(module, name);
  }

  private call(callable: unknown, args: unknown, at: number): unknown {
    if (!Array.isArray(args)) throw new PickleError(`call without an argument tuple at offset ${at}`);
    if (typeof callable === "function") return callable(args);
    return new PickleObject(callable, args);
  }

  private persistentLoad(pid: unknown): unknown {
    if (!this.hooks.persistentLoad) throw new PickleError("pickle has persistent ids but no loader for them");
    return this.hooks.persistentLoad(pid);
  }
}

function exact(value: bigint): number | bigint {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}
