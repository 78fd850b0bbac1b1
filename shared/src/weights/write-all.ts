import type { FileHandle } from "node:fs/promises";

/** Writes every byte, looping over partial writes and the 2 GB per-call limit. */
export async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const length = Math.min(bytes.length - done, 1 << 30);
    const { bytesWritten } = await fh.write(bytes, done, length);
    done += bytesWritten;
  }
}
