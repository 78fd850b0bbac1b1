import { basename } from "node:path";

/** What went wrong with a weight file; stable strings, meant for programs. */
export type CheckpointErrorCode =
  /** Neither a torch zip archive, a torch pickle stream, safetensors nor a TensorFlow V2 checkpoint. */
  | "not_a_checkpoint"
  /** The file ends before the data it announces. */
  | "truncated"
  /** The file's own structures contradict each other (bad offsets, sizes, opcodes). */
  | "corrupt"
  /** A zip entry uses a compression method (or encryption) this reader does not implement. */
  | "compressed"
  | "unsupported_dtype"
  | "missing_key"
  | "unexpected_key"
  | "wrong_shape"
  | "not_a_generator"
  | "not_a_discriminator"
  /** An official checkpoint without the requested generator (genA2B / genB2A). */
  | "missing_direction"
  /** An official checkpoint without the requested discriminator. */
  | "missing_network"
  /** The file cannot be opened (missing, a directory, no permission). */
  | "unreadable"
  /** A stored CRC-32C does not match the bytes (a TensorFlow index block or tensor). */
  | "checksum_mismatch"
  /** A TensorFlow checkpoint's data shard holding the tensor asked for is not there. */
  | "missing_shard"
  /** A partitioned TensorFlow variable, saved as slices under other keys. */
  | "sliced_variable"
  /** A TF generator whose variables point to both code versions (HEAD and legacy): the caller must choose. */
  | "ambiguous_version";

/**
 * The one error the weight layer throws. `message` is a single line: `<file>: <problem>: <details>`.
 *
 * @example
 * try { await loadGenerator("x.pt", "A2B") } catch (e) { if (e instanceof CheckpointError && e.code === "missing_key") … }
 */
export class CheckpointError extends Error {
  override readonly name = "CheckpointError";
  readonly code: CheckpointErrorCode;
  /** The file (base name) or label the problem is about. */
  readonly file: string;

  constructor(code: CheckpointErrorCode, file: string, detail: string, options?: ErrorOptions) {
    super(`${file}: ${oneLine(detail)}`, options);
    this.code = code;
    this.file = file;
  }
}

/** How files are named in messages: the base name, as a user would recognise it. */
export function fileLabel(path: string): string {
  return basename(path);
}

/** Names taken from a file may hold anything; keep messages on one line. */
function oneLine(text: string): string {
  return text.replace(/\r?\n|\r/g, "\\n");
}

/** Formats a shape the way the messages show it: `[32, 64, 1, 1]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Lists a few names for a message, with an ellipsis when there are more. */
export function someNames(names: Iterable<string>, count = 3): string {
  const all = [...names];
  return all.length > count ? `${all.slice(0, count).join(", ")}, …` : all.join(", ");
}

/** The error for a tensor stored as a type the weight layer does not convert (ints, complex, fp8…). */
export function unsupportedDtype(file: string, name: string, storedAs: string): CheckpointError {
  return new CheckpointError(
    "unsupported_dtype",
    file,
    `unsupported dtype: ${name} is ${storedAs}; readable are float32, float16, bfloat16 and float64`,
  );
}
