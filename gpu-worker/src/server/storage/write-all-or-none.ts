import type { ObjectStore } from "./object-store.ts";

/** One object to write: key, body, content type. */
export type PendingWrite = [key: string, body: Uint8Array, contentType: string];

/**
 * Writes every object or, when one fails, removes those already written, so a job's outputs appear
 * together or not at all (each single PutObject is already atomic in S3).
 */
export async function writeAllOrNone(
  storage: Pick<ObjectStore, "put" | "delete">,
  writes: PendingWrite[],
): Promise<void> {
  const written: string[] = [];
  try {
    for (const [key, body, type] of writes) {
      await storage.put(key, body, type);
      written.push(key);
    }
  } catch (error) {
    await Promise.all(written.map((key) => storage.delete(key).catch(() => undefined)));
    throw error;
  }
}
