/**
 * @module Byte sources over one zip entry read in place: a window of the archive for a stored entry,
 * a forward-streaming inflater for a deflated one (a multi-GB entry never has to fit in memory).
 */
import { once } from "node:events";
import { createInflateRaw } from "node:zlib";
import type { ByteSource } from "./byte-source.ts";
import { CheckpointError } from "./errors.ts";

/** `length` bytes of `archive` from `start`, as a source of their own. */
export function windowSource(archive: ByteSource, start: number, length: number, label: string): ByteSource {
  return {
    size: length,
    async readInto(target, position) {
      if (position + target.length > length) {
        throw new CheckpointError(
          "truncated",
          label,
          `truncated: needs ${target.length} bytes at offset ${position}, the entry ends at ${length}`,
        );
      }
      await archive.readInto(target, start + position);
    },
  };
}

const COMPRESSED_CHUNK = 1 << 20;

/**
 * The inflated bytes of a deflated entry, produced in order: reads at increasing positions cost one pass
 * over the entry in all; a read behind the last one starts inflating again from the entry's start.
 * Inflating more than `size` bytes is refused (the central directory's size is the output cap).
 */
export function inflatingSource(
  archive: ByteSource,
  start: number,
  compressedSize: number,
  size: number,
  label: string,
): ByteSource {
  let stream: AsyncIterator<Buffer> | null = null;
  /** The inflated chunk in hand and the entry position of its first byte. */
  let chunk: Buffer = Buffer.alloc(0);
  let chunkStart = 0;

  const restart = () => {
    void stream?.return?.();
    const inflater = createInflateRaw({ chunkSize: COMPRESSED_CHUNK });
    void feed(inflater);
    stream = inflater[Symbol.asyncIterator]();
    chunk = Buffer.alloc(0);
    chunkStart = 0;
  };
  const feed = async (inflater: ReturnType<typeof createInflateRaw>) => {
    try {
      for (let done = 0; done < compressedSize && !inflater.destroyed; ) {
        const bytes = new Uint8Array(Math.min(COMPRESSED_CHUNK, compressedSize - done));
        await archive.readInto(bytes, start + done);
        done += bytes.length;
        if (!inflater.write(bytes)) await Promise.race([once(inflater, "drain"), once(inflater, "close")]);
      }
      inflater.end();
    } catch (error) {
      inflater.destroy(error as Error);
    }
  };

  const read = async (target: Uint8Array, position: number) => {
    if (position + target.length > size) {
      throw new CheckpointError(
        "truncated",
        label,
        `truncated: needs ${target.length} bytes at offset ${position}, the entry inflates to ${size}`,
      );
    }
    if (!stream || position < chunkStart) restart();
    let filled = 0;
    while (filled < target.length) {
      const want = position + filled;
      const chunkEnd = chunkStart + chunk.length;
      if (want < chunkEnd) {
        const piece = chunk.subarray(
          want - chunkStart,
          Math.min(chunk.length, want - chunkStart + target.length - filled),
        );
        target.set(piece, filled);
        filled += piece.length;
        continue;
      }
      const next = await stream!.next().catch((cause: unknown) => {
        stream = null;
        throw new CheckpointError("corrupt", label, "corrupt zip: the entry does not inflate", { cause });
      });
      if (next.done || chunkEnd + next.value.length > size) {
        void stream?.return?.();
        stream = null;
        const inflated = next.done ? `${chunkEnd} bytes` : `more than ${size} bytes`;
        throw new CheckpointError(
          "corrupt",
          label,
          `corrupt zip: the entry inflates to ${inflated}, expected ${size}`,
        );
      }
      chunkStart = chunkEnd;
      chunk = next.value;
    }
  };
  // One inflater serves every read: reads that overlap in time take turns.
  let turn: Promise<unknown> = Promise.resolve();
  return {
    size,
    readInto(target, position) {
      const done = turn.then(() => read(target, position));
      turn = done.catch(() => undefined);
      return done;
    },
  };
}
