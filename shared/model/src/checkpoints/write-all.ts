import { randomBytes } from "node:crypto";
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

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
  // hidden, and unique even for two writers of one path in one process
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString("hex")}.tmp`);
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

/** {@link writeAtomically} of one buffer. */
export function writeBytesAtomically(path: string, bytes: Uint8Array): Promise<void> {
  return writeAtomically(path, (fh) => writeAll(fh, bytes));
}
