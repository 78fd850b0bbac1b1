import { describe, expect, test } from "vitest";
import { PickleError, PickleGlobal, PickleObject, unpickle } from "./unpickler.ts";

const hex = (text: string) => Uint8Array.from(text.match(/../g)!.map((b) => Number.parseInt(b, 16)));

// Python 3: pickle.dumps(obj, protocol=p) for
// obj = {'ints': [0, 255, 256, 65535, 65536, -1, -2**31, 2**31, 2**70, -2**40], 'floats': [2.5, -0.0, 1e300],
//        'flags': (True, False, None), 'text': 'héllo', 'bytes': b'xy', 'od': OrderedDict(k=1),
//        'p': shared, 'q': shared, 't': (1, 2, 3, 4), 's': {3}, 'fs': frozenset()}  with shared = [7]
const PROTOCOL_4 =
  "800495f2000000000000007d94288c04696e7473945d94284b004bff4d00014dffff4a000001004affffffff4a000000808a0500000080008a090000000000000000408a060000000000ff658c06666c6f617473945d9428474004000000000000478000000000000000477e37e43c8800759c658c05666c6167739488894e87948c0474657874948c0668c3a96c6c6f948c0562797465739443027879948c026f64948c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c016b944b01738c0170945d944b07618c01719468128c017494284b014b024b034b0474948c0173948f94284b03908c02667394289194752e";
const PROTOCOL_5 = `80059${PROTOCOL_4.slice(5)}`;
const PROTOCOL_2 =
  "80027d7100285804000000696e747371015d7102284b004bff4d00014dffff4a000001004affffffff4a000000808a0500000080008a090000000000000000408a060000000000ff655806000000666c6f61747371035d710428474004000000000000478000000000000000477e37e43c8800759c655805000000666c616773710588894e8771065804000000746578747107580600000068c3a96c6c6f7108580500000062797465737109635f636f646563730a656e636f64650a710a58020000007879710b58060000006c6174696e31710c86710d52710e58020000006f64710f63636f6c6c656374696f6e730a4f726465726564446963740a71102952711158010000006b71124b017358010000007071135d71144b0761580100000071711568145801000000747116284b014b024b034b047471175801000000737118635f5f6275696c74696e5f5f0a7365740a71195d711a4b036185711b52711c58020000006673711d635f5f6275696c74696e5f5f0a66726f7a656e7365740a711e5d711f857120527121752e";
/** `obj['ints']` as the unpickler gives it: a bigint only where a number would not be exact. */
const INTS = [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, 2n ** 70n, -(2 ** 40)];

describe("unpickle", () => {
  test.each([
    ["protocol 4", PROTOCOL_4],
    ["protocol 5", PROTOCOL_5],
  ])("%s: values, memo, frames, stack globals", (_, bytes) => {
    const data = hex(bytes);
    const { value, end } = unpickle(data, 0);
    expect(end).toBe(data.length);
    const obj = value as Map<string, unknown>;
    expect(obj.get("ints")).toEqual(INTS);
    expect(obj.get("floats")).toEqual([2.5, -0, 1e300]);
    expect(obj.get("flags")).toEqual([true, false, null]);
    expect(obj.get("text")).toBe("héllo");
    expect(obj.get("bytes")).toEqual(Uint8Array.from([0x78, 0x79]));
    expect(obj.get("p")).toBe(obj.get("q")); // one object, shared through the memo
    expect(obj.get("t")).toEqual([1, 2, 3, 4]);
    expect(obj.get("s")).toEqual(new Set([3]));
    expect(obj.get("fs")).toEqual(new Set());
    const od = obj.get("od") as PickleObject;
    expect(od).toBeInstanceOf(PickleObject);
    expect(od.callable).toEqual(new PickleGlobal("collections", "OrderedDict"));
    expect(od.items).toEqual(new Map([["k", 1]]));
  });

  test("protocol 2, with hooks resolving a global", () => {
    const { value } = unpickle(hex(PROTOCOL_2), 0, {
      findClass: (module, name) =>
        module === "collections" && name === "OrderedDict" ? () => new Map() : undefined,
    });
    const obj = value as Map<string, unknown>;
    expect(obj.get("ints")).toEqual(INTS);
    expect(obj.get("od")).toEqual(new Map([["k", 1]]));
    expect(obj.get("p")).toBe(obj.get("q"));
  });

  test("reads one pickle of a stream and says where it ends", () => {
    const two = hex("80024b012e80024b022e");
    const first = unpickle(two, 0);
    expect(first).toEqual({ value: 1, end: 5 });
    expect(unpickle(two, first.end)).toEqual({ value: 2, end: 10 });
  });

  test("a stream cut short is reported as truncated; an unknown opcode is not", () => {
    const data = hex(PROTOCOL_4);
    for (const cut of [1, 20, 100, data.length - 1]) {
      const error = catchError(() => unpickle(data.subarray(0, cut), 0));
      expect(error).toBeInstanceOf(PickleError);
      expect((error as PickleError).truncated).toBe(true);
    }
    const unknown = catchError(() => unpickle(hex("8002ff"), 0)) as PickleError;
    expect(unknown.truncated).toBe(false);
    expect(unknown.message).toMatch(/opcode 0xff at offset 2/);
    expect(() => unpickle(hex("80022e"), 0)).toThrow(/underflow/);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
