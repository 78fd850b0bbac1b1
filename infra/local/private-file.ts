/** @module Files that hold local secrets (the edge's env file, dev.json with its API key): owner-only. */
import { chmod, writeFile } from "node:fs/promises";

/**
 * Writes `text` readable and writable by the owner alone (0600), also when the file already existed
 * with wider permissions (writeFile's mode applies only to a file it creates).
 *
 * @example
 * await writePrivateFile(".local/edge.env", "WORKER_SHARED_SECRET=…\n");
 */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  await writeFile(path, "", { mode: 0o600 });
  await chmod(path, 0o600);
  await writeFile(path, text);
}
