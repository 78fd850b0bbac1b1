/** @module The check before any GPU work: the stored object is the image its upload declared, and not a bomb. */
import {
  checkImageLimits,
  IMAGE_FORMAT_NAMES,
  ImageError,
  type ImageHeader,
  readImageHeader,
} from "@ugatit/contracts/image";
import { problems } from "../problems/api-problem.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import type { UploadRecord } from "./upload-store.ts";

/** Header bytes read first, and at most: a JPEG's frame header can follow large EXIF or ICC segments. */
const HEADER_READS = [64 * 1024, 1024 * 1024];

const FORMAT_OF_TYPE: Record<string, ImageHeader["format"]> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/webp": "webp",
};

/**
 * Size and type as declared, magic bytes of the declared format, dimensions from the header within limits
 * (8192 px a side, 16 MP). Throws 409 when nothing was uploaded yet, 422 with the reason otherwise.
 *
 * @example
 * const { width, height } = await verifyUploadedImage(store, upload);
 */
export async function verifyUploadedImage(store: ObjectStore, upload: UploadRecord): Promise<ImageHeader> {
  const stored = await store.head(upload.object_key);
  if (!stored) throw problems.uploadNotReceived(upload.id);
  if (stored.contentLength !== upload.content_length) {
    throw problems.imageRefused(
      `the stored image has ${stored.contentLength} bytes; the upload declared ${upload.content_length}`,
    );
  }
  if (stored.contentType !== upload.content_type) {
    throw problems.imageRefused(
      `the stored image has type ${stored.contentType ?? "none"}; the upload declared ${upload.content_type}`,
    );
  }
  const header = await readHeader(store, upload);
  const declared = FORMAT_OF_TYPE[upload.content_type];
  if (header.format !== declared) {
    throw problems.imageRefused(
      `the upload declared ${upload.content_type} but the bytes are ${IMAGE_FORMAT_NAMES[header.format]}`,
    );
  }
  try {
    checkImageLimits(header);
  } catch (error) {
    if (error instanceof ImageError) throw problems.imageRefused(error.message);
    throw error;
  }
  return header;
}

async function readHeader(store: ObjectStore, upload: UploadRecord, attempt = 0): Promise<ImageHeader> {
  const length = Math.min(HEADER_READS[attempt] as number, upload.content_length);
  const bytes = await store.readStart(upload.object_key, length);
  try {
    return readImageHeader(bytes);
  } catch (error) {
    if (!(error instanceof ImageError)) throw error;
    const canReadMore =
      error.code === "truncated" && length < upload.content_length && attempt + 1 < HEADER_READS.length;
    if (canReadMore) return readHeader(store, upload, attempt + 1);
    throw problems.imageRefused(`the stored object is not a usable image: ${error.message}`);
  }
}
