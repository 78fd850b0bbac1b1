/** @module @ugatit/client/node: Node-only helpers, kept out of the main entry so that it stays Workers- and browser-safe. */
/// <reference types="node" />
import { openAsBlob } from "node:fs";

/**
 * An image file as a Blob that `translate` and `upload` accept, read from disk only as it is sent.
 *
 * @example
 * const result = await client.translate(await imageFile("selfie.jpg"), { direction: "A2B" });
 */
export function imageFile(path: string): Promise<Blob> {
  return openAsBlob(path);
}
