/** @module An image sent as the body of POST /v1/translations, streamed to storage under the size cap. */
import { ulid } from "ulid";
import type { Principal } from "../auth/principal.ts";
import { edgeConfig } from "../config/edge-config.ts";
import { problems } from "../problems/api-problem.ts";
import { toHex } from "../security/digest.ts";
import { uploadObjectKey } from "../storage/object-keys.ts";
import { objectStore } from "../storage/object-store.ts";
import { IMAGE_CONTENT_TYPES, type ImageContentType } from "./schemas.ts";
import { insertUpload, type UploadRecord } from "./upload-store.ts";

/** The essence of a Content-Type when it is an accepted image type, else null. */
export function imageContentType(header: string | undefined): ImageContentType | null {
  const essence = header?.split(";")[0]?.trim().toLowerCase();
  return IMAGE_CONTENT_TYPES.find((t) => t === essence) ?? null;
}

/**
 * Stores the request body as a new upload and hashes it on the way (the hash fingerprints the request for
 * Idempotency-Key). A declared Content-Length over the cap is refused before reading; a body without one is
 * read up to the cap and refused one byte past it.
 *
 * @example
 * const { upload, sha256 } = await receiveUpload(env, principal, c.req.raw);
 */
export async function receiveUpload(
  env: Env,
  principal: Principal,
  request: Request,
): Promise<{ upload: UploadRecord; sha256: string }> {
  const contentType = imageContentType(request.headers.get("content-type") ?? undefined);
  if (!contentType)
    throw problems.unsupportedMediaType("send JSON, or a PNG, JPEG or WebP image as the body");
  const max = principal.maxUploadBytes;
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > max) throw problems.tooLarge(max);
  if (!request.body || declared === "0") throw problems.invalidRequest("the image body is empty");

  const digest = new crypto.DigestStream("SHA-256");
  const hashing = digest.getWriter();
  let received = 0;
  const counted = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      async transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > max) throw problems.tooLarge(max);
        await hashing.write(chunk);
        controller.enqueue(chunk);
      },
    }),
  );
  let length = Number(declared);
  let body: ReadableStream<Uint8Array>;
  if (declared === null) {
    const bytes = await readAll(counted);
    length = bytes.byteLength;
    body = new Blob([bytes]).stream();
  } else {
    // A FixedLengthStream tells the runtime the length, so the PUT to storage is not chunked.
    body = counted.pipeThrough(new FixedLengthStream(length));
  }
  if (length === 0) throw problems.invalidRequest("the image body is empty");

  const now = new Date();
  const id = ulid(now.getTime());
  const upload: UploadRecord = {
    id,
    tenant: principal.tenant,
    object_key: uploadObjectKey(principal.tenant, id),
    content_type: contentType,
    content_length: length,
    created_at: now.toISOString(),
    expires_at: now.toISOString(),
  };
  const store = objectStore(edgeConfig(env).storage);
  try {
    await store.put(upload.object_key, body, length, contentType);
  } catch (error) {
    if (received > max) throw problems.tooLarge(max);
    if (received !== length) {
      throw problems.invalidRequest(`the body ended after ${received} of its ${length} declared bytes`);
    }
    throw error;
  }
  await hashing.close();
  await insertUpload(env.DB, upload);
  return { upload, sha256: toHex(await digest.digest) };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    length += chunk.byteLength;
  }
  const all = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}
