/** @module The objects torch.save pickles (storages, tensors, OrderedDicts) as inert references. */
import { CheckpointError, someNames } from "./errors.ts";
import type { TensorDtype } from "./float32-read.ts";
import { PickleGlobal, type PickleHooks, PickleObject, unpickle } from "./unpickler.ts";

/** A torch storage class (`torch.FloatStorage`, …). Types without a dtype are listed but not readable. */
export class StorageType {
  readonly name: string;
  readonly dtype: TensorDtype | null;
  /** Bytes per element; null for a type this reader does not know. */
  readonly elementSize: number | null;
  constructor(name: string, dtype: TensorDtype | null, elementSize: number | null) {
    this.name = name;
    this.dtype = dtype;
    this.elementSize = elementSize;
  }
}

const STORAGE_TYPES: Record<string, [TensorDtype | null, number]> = {
  FloatStorage: ["float32", 4],
  HalfStorage: ["float16", 2],
  BFloat16Storage: ["bfloat16", 2],
  DoubleStorage: ["float64", 8],
  LongStorage: [null, 8],
  IntStorage: [null, 4],
  ShortStorage: [null, 2],
  CharStorage: [null, 1],
  ByteStorage: [null, 1],
  BoolStorage: [null, 1],
  ComplexFloatStorage: [null, 8],
  ComplexDoubleStorage: [null, 16],
  QInt8Storage: [null, 1],
  QUInt8Storage: [null, 1],
  QInt32Storage: [null, 4],
};

/** A storage as a persistent id names it; where its bytes are is up to the container format. */
export class StorageRef {
  readonly key: string;
  readonly type: StorageType;
  /** Elements in the stored (root) storage. */
  readonly numel: number;
  /** For the storage views of old torch versions: the element offset into the root storage. */
  readonly viewOffset: number;
  constructor(key: string, type: StorageType, numel: number, viewOffset = 0) {
    this.key = key;
    this.type = type;
    this.numel = numel;
    this.viewOffset = viewOffset;
  }
}

/** `_rebuild_tensor_v2(storage, offset, size, stride, …)`: a strided view of a storage, in elements. */
export class TensorRef {
  readonly storage: StorageRef;
  readonly offset: number;
  readonly shape: number[];
  readonly stride: number[];
  constructor(storage: StorageRef, offset: number, shape: number[], stride: number[]) {
    this.storage = storage;
    this.offset = offset;
    this.shape = shape;
    this.stride = stride;
  }
}

/**
 * Unpickles torch's main pickle. Storages are collected into `storages` by key (one object per key,
 * as torch's own persistent_load caches them).
 */
export function unpickleTorch(
  bytes: Uint8Array,
  start: number,
  file: string,
  storages: Map<string, StorageRef>,
): { value: unknown; end: number } {
  const corrupt = (detail: string) => new CheckpointError("corrupt", file, `corrupt checkpoint: ${detail}`);
  const hooks: PickleHooks = {
    findClass(module, name) {
      if (module === "collections" && name === "OrderedDict") return orderedDict;
      if (module === "torch._utils" && (name === "_rebuild_tensor_v2" || name === "_rebuild_tensor")) {
        return (args: unknown[]) => rebuildTensor(args, corrupt);
      }
      if (module === "torch._utils" && name.startsWith("_rebuild_parameter"))
        return (args: unknown[]) => args[0];
      if (module === "torch" && name.endsWith("Storage")) {
        const [dtype, size] = STORAGE_TYPES[name] ?? [null, null];
        return new StorageType(name, dtype, size);
      }
      return undefined;
    },
    persistentLoad(pid) {
      if (!Array.isArray(pid) || pid[0] !== "storage") {
        if (Array.isArray(pid) && pid[0] === "module") {
          throw new CheckpointError(
            "not_a_checkpoint",
            file,
            "not a state_dict checkpoint: it pickles a whole nn.Module; save model.state_dict() instead",
          );
        }
        throw corrupt(`unknown persistent id ${describe(pid)}`);
      }
      const [, type, rawKey, , numel, view] = pid;
      const key = storageKey(rawKey);
      if (key === null) throw corrupt(`storage key ${describe(rawKey)}`);
      if (!(type instanceof StorageType)) throw corrupt(`storage ${key} has type ${describe(type)}`);
      if (!isCount(numel)) throw corrupt(`storage ${key} has size ${describe(numel)}`);
      const root = storages.get(key) ?? new StorageRef(key, type, numel);
      storages.set(root.key, root);
      if (view === undefined || view === null) return root;
      const [, offset, size] = Array.isArray(view) ? view : [];
      if (!isCount(offset) || !isCount(size) || offset + size > numel)
        throw corrupt(`storage view ${describe(view)}`);
      return new StorageRef(root.key, type, numel, offset);
    },
  };
  return unpickle(bytes, start, hooks);
}

function orderedDict(args: unknown[]): Map<unknown, unknown> {
  const items = args[0];
  const map = new Map<unknown, unknown>();
  if (Array.isArray(items)) for (const pair of items) if (Array.isArray(pair)) map.set(pair[0], pair[1]);
  return map;
}

/** More dimensions than any weight has; a longer shape is a hostile one. */
const MAX_DIMS = 32;

function rebuildTensor(args: unknown[], corrupt: (detail: string) => CheckpointError): TensorRef {
  const [storage, offset, shape, stride] = args;
  const valid =
    storage instanceof StorageRef &&
    isCount(offset) &&
    Array.isArray(shape) &&
    shape.length <= MAX_DIMS &&
    shape.every(isCount) &&
    Array.isArray(stride) &&
    stride.every(isCount) &&
    stride.length === shape.length;
  if (!valid) throw corrupt(`bad tensor arguments ${describe(args.slice(1, 4))}`);
  return new TensorRef(storage, offset, shape, stride);
}

/**
 * Every tensor under the pickled root, by dotted path: `genA2B.FC.0.weight` for the official dict,
 * `FC.0.weight` for a bare state_dict. Other values (epochs, hyper-parameters) are skipped.
 */
export function collectTensors(root: unknown, file: string): Map<string, TensorRef> {
  const tensors = new Map<string, TensorRef>();
  const walk = (value: unknown, path: string, depth: number): void => {
    if (value instanceof TensorRef) tensors.set(path, value);
    else if (value instanceof Map && depth < 4) {
      for (const [key, child] of value) {
        if (typeof key === "string" || typeof key === "number")
          walk(child, path ? `${path}.${key}` : String(key), depth + 1);
      }
    }
  };
  walk(root, "", 0);
  if (tensors.size === 0) {
    throw new CheckpointError(
      "not_a_checkpoint",
      file,
      `not a checkpoint: the pickle holds no tensors (${describe(root)})`,
    );
  }
  return tensors;
}

/** torch names storages with short strings ("0", "1", …; old versions a number as text); null for anything else. */
export function storageKey(value: unknown): string | null {
  if (typeof value === "string" && value.length <= 256) return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  return null;
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** A short, one-line description of an unpickled value for messages; nested (or cyclic) lists stop at a depth. */
function describe(value: unknown, depth = 0): string {
  if (value instanceof Map) {
    return value.size === 0
      ? "an empty dict"
      : `a dict with keys ${someNames([...value.keys()].slice(0, 4).map((key) => describe(key, depth + 1)))}`;
  }
  if (value instanceof PickleObject) {
    const cls =
      value.callable instanceof PickleGlobal ? `${value.callable.module}.${value.callable.name}` : "?";
    return `a ${cls} object`;
  }
  if (Array.isArray(value)) {
    if (depth >= 3) return "(…)";
    return `(${value
      .slice(0, 5)
      .map((item) => describe(item, depth + 1))
      .join(", ")}${value.length > 5 ? ", …" : ""})`;
  }
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (value instanceof Set) return `a set of ${value.size}`;
  if (value instanceof PickleGlobal) return `${value.module}.${value.name}`.slice(0, 60);
  if (typeof value === "object" && value !== null) return "an object";
  // Sliced before quoting, so a huge string is never copied whole.
  const text = typeof value === "string" ? JSON.stringify(value.slice(0, 61)) : String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
