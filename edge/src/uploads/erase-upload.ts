/** @module Erasing an upload: its image first, then its record, so a failure leaves it to be erased again. */
import { edgeConfig } from "../config/edge-config.ts";
import { objectStore } from "../storage/object-store.ts";
import { deleteUpload, type UploadRecord } from "./upload-store.ts";

/**
 * Deletes the image and the record. A queued job that names the upload then fails (its input is gone).
 *
 * @example
 * await eraseUpload(env, upload);
 */
export async function eraseUpload(env: Env, upload: UploadRecord): Promise<void> {
  await objectStore(edgeConfig(env).storage).delete([upload.object_key]);
  await deleteUpload(env.DB, upload.tenant, upload.id);
}
