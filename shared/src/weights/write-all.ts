import { type FileHandle, open, rename, rm } from "node:fs/promises";

/** Writes every byte, looping over partial writes and the 2 GB per-call limit. */
export async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const length = Math.min(bytes.length - done, 1 << 30);
    const { bytesWritten } = await fh.write(bytes, done, length);
    done += bytesWritten;
  }
}

/**
 * Writes a file through `write` into a temporary sibling renamed over `path` at the end, so readers
 * never see half a file; on failure the temporary is removed and the error passes on.
 */
export async function writeAtomically(path: string, write: (fh: FileHandle) => Promise<void>): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  const fh = await open(temporary, "w");
  try {
    await write(fh);
    await fh.close();
    await rename(temporary, path);
  } catch (error) {
    await fh.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}
