/**
 * @module What a POST /v1/translations asks to translate: an earlier upload named in JSON, or the image in the
 * request body (stored first, and forgotten again if the request goes nowhere).
 */
import type { Principal } from "../auth/principal.ts";
import { edgeConfig } from "../config/edge-config.ts";
import { validationProblem } from "../context.ts";
import { problems } from "../problems/api-problem.ts";
import { objectStore } from "../storage/object-store.ts";
import { receiveUpload } from "../uploads/receive-upload.ts";
import { deleteUpload, findUpload, type UploadRecord } from "../uploads/upload-store.ts";
import { type TranslationOptions, TranslationQuery, type TranslationRequest } from "./schemas.ts";

export interface TranslationInput {
  upload: UploadRecord;
  options: TranslationOptions;
  /** What makes two requests the same for Idempotency-Key: the options and the upload, or the image's bytes. */
  meaning: Record<string, unknown>;
  /** The image came in this request's body: nothing else refers to it yet. */
  received: boolean;
}

export async function namedUploadInput(
  env: Env,
  principal: Principal,
  request: TranslationRequest,
): Promise<TranslationInput> {
  const upload = await findUpload(env.DB, principal.tenant, request.upload_id);
  if (!upload) throw problems.notFound(`no upload ${request.upload_id}`);
  const { upload_id: _, ...options } = request;
  return { upload, options, meaning: request, received: false };
}

/** Validates the query's options before reading the body, then stores the body as a new upload. */
export async function bodyImageInput(
  env: Env,
  principal: Principal,
  request: Request,
  query: Record<string, string>,
): Promise<TranslationInput> {
  const options = TranslationQuery.safeParse(query);
  if (!options.success) throw validationProblem(options.error, "query");
  const { upload, sha256 } = await receiveUpload(env, principal, request);
  return {
    upload,
    options: options.data,
    meaning: { ...options.data, image_sha256: sha256 },
    received: true,
  };
}

/** Deletes an image received in the body, and its upload record. */
export async function discardReceived(env: Env, input: TranslationInput): Promise<void> {
  if (!input.received) return;
  await objectStore(edgeConfig(env).storage).delete([input.upload.object_key]);
  await deleteUpload(env.DB, input.upload.tenant, input.upload.id);
}
