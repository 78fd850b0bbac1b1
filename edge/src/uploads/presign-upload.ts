/** @module POST /v1/uploads: a presigned PUT for one image of a declared type and size. */
import { ulid } from "ulid";
import type { Principal } from "../auth/principal.ts";
import { edgeConfig } from "../config/edge-config.ts";
import { problems } from "../problems/api-problem.ts";
import { uploadObjectKey } from "../storage/object-keys.ts";
import { objectStore } from "../storage/object-store.ts";
import type { CreateUploadRequest, Upload } from "./schemas.ts";
import { insertUpload } from "./upload-store.ts";

/**
 * Records the upload and presigns its PUT, which the store refuses with any other type or length, after
 * expiry, or once the signature is tampered with.
 *
 * @example
 * const upload = await presignUpload(env, principal, { content_type: "image/png", content_length: 4096 });
 */
export async function presignUpload(
  env: Env,
  principal: Principal,
  request: CreateUploadRequest,
  options: { now?: Date; ttlSeconds?: number } = {},
): Promise<Upload> {
  const config = edgeConfig(env);
  if (request.content_length > principal.maxUploadBytes) throw problems.tooLarge(principal.maxUploadBytes);
  const now = options.now ?? new Date();
  const ttlSeconds = options.ttlSeconds ?? config.uploadUrlTtlSeconds;
  const id = ulid(now.getTime());
  const key = uploadObjectKey(principal.tenant, id);
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
  const { url, headers } = await objectStore(config.storage).presignPut(
    key,
    request.content_type,
    request.content_length,
    ttlSeconds,
  );
  await insertUpload(env.DB, {
    id,
    tenant: principal.tenant,
    object_key: key,
    content_type: request.content_type,
    content_length: request.content_length,
    created_at: now.toISOString(),
    expires_at: expiresAt,
  });
  return { upload_id: id, url, method: "PUT", headers, expires_at: expiresAt };
}
