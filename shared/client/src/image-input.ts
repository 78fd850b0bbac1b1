/** @module An image as the caller has it (bytes or a Blob), ready to upload: a Blob and its content type. */
import type { ImageContentType } from "./types.ts";

/** An image file's bytes: PNG, JPEG or WebP. */
export type ImageInput = Uint8Array | ArrayBuffer | Blob;

// The signatures @ugatit/contracts' readImageHeader checks: the client is published alone, so it keeps a copy,
// which test/client-image-type.test.ts holds to the same answers.
const SIGNATURES: [ImageContentType, number[]][] = [
  ["image/png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ["image/jpeg", [0xff, 0xd8, 0xff]],
  // "RIFF", any 4-byte size (-1: any byte), "WEBP"
  ["image/webp", [0x52, 0x49, 0x46, 0x46, -1, -1, -1, -1, 0x57, 0x45, 0x42, 0x50]],
];

/**
 * The image's content type from its first bytes; undefined when it is none of PNG, JPEG and WebP.
 *
 * @example
 * sniffImageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])) // "image/jpeg"
 */
export function sniffImageType(head: Uint8Array): ImageContentType | undefined {
  return SIGNATURES.find(
    ([, signature]) =>
      head.length >= signature.length && signature.every((byte, i) => byte === -1 || head[i] === byte),
  )?.[0];
}

/**
 * The image as a Blob, and its content type: `contentType` when given (the API checks it against the
 * bytes), else from its first bytes. Throws a TypeError when those are none of PNG, JPEG and WebP.
 */
export async function toImageBlob(
  image: ImageInput,
  contentType?: ImageContentType,
): Promise<{ blob: Blob; contentType: ImageContentType }> {
  const blob = image instanceof Blob ? image : new Blob([image as Uint8Array<ArrayBuffer>]);
  const type = contentType ?? sniffImageType(new Uint8Array(await blob.slice(0, 12).arrayBuffer()));
  if (!type) {
    throw new TypeError("the image is not a PNG, JPEG or WebP file: its first bytes are none of theirs");
  }
  return { blob, contentType: type };
}
