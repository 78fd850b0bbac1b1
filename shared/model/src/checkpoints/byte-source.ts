import type { FileHandle } from "node:fs/promises";
import { CheckpointError } from "./errors.ts";

/** Bytes a tensor can be read from: a file (positioned reads) or an inflated zip entry in memory. */
export interface ByteSource {
  readonly size: number;
  /** Fills `target` with the bytes at `position`; throws `truncated` if they are not all there. */
  readInto(target: Uint8Array, position: number): Promise<void>;
}

/** fs reads are capped at 2 GB per call; stay well below. */
const MAX_READ = 1 << 30;

export function fileSource(fh: FileHandle, size: number, file: string): ByteSource {
  return {
    size,
    async readInto(target, position) {
      let done = 0;
      while (done < target.length) {
        const length = Math.min(target.length - done, MAX_READ);
        const { bytesRead } = await fh.read(target, done, length, position + done);
        if (bytesRead === 0) {
          throw new CheckpointError(
            "truncated",
            file,
            `truncated: needs ${target.length} bytes at offset ${position}, file ends at ${position + done}`,
          );
        }
        done += bytesRead;
      }
    },
  };
}

export function memorySource(bytes: Uint8Array, file: string): ByteSource {
  return {
    size: bytes.length,
    async readInto(target, position) {
      if (position + target.length > bytes.length) {
        throw new CheckpointError(
          "truncated",
          file,
          `truncated: needs ${target.length} bytes at offset ${position}, data ends at ${bytes.length}`,
        );
      }
      target.set(bytes.subarray(position, position + target.length));
    },
  };
}

/** Reads exactly `length` bytes at `position`. */
export async function readBytes(source: ByteSource, position: number, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  await source.readInto(bytes, position);
  return bytes;
}
