/**
 * @module S3-compatible storage (AWS S3, R2, MinIO, Ceph RGW) through @aws-sdk/client-s3: presigned PUTs and
 * GETs for clients, and the few calls the edge makes itself.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { StorageConfig } from "../config/edge-config.ts";

export interface StoredObject {
  contentType: string | undefined;
  contentLength: number;
}

/** A presigned request and the headers the client must send with it. */
export interface PresignedRequest {
  url: string;
  headers: Record<string, string>;
}

const clients = new Map<string, S3Client>();

function clientFor(config: StorageConfig): S3Client {
  const id = JSON.stringify(config);
  let client = clients.get(id);
  if (!client) {
    client = new S3Client({
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // R2 and presigned PUTs from browsers do not carry the SDK's default CRC32 checksums.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    clients.set(id, client);
  }
  return client;
}

function isMissing(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === "NotFound" || error.name === "NoSuchKey");
}

/**
 * The bucket the edge works in.
 *
 * @example
 * const { url, headers } = await objectStore(config.storage).presignPut(key, "image/png", 1234, 600);
 */
export function objectStore(config: StorageConfig) {
  const client = clientFor(config);
  const Bucket = config.bucket;
  return {
    /** A PUT bound to this type and length (and, where the store honours it, to not overwriting). */
    async presignPut(
      key: string,
      contentType: string,
      contentLength: number,
      expiresIn: number,
    ): Promise<PresignedRequest> {
      const headers: Record<string, string> = {
        "content-type": contentType,
        "content-length": String(contentLength),
        ...(config.conditionalPut ? { "if-none-match": "*" } : {}),
      };
      const command = new PutObjectCommand({
        Bucket,
        Key: key,
        ContentType: contentType,
        ContentLength: contentLength,
        ...(config.conditionalPut ? { IfNoneMatch: "*" } : {}),
      });
      const url = await getSignedUrl(client, command, {
        expiresIn,
        signableHeaders: new Set(Object.keys(headers)),
      });
      return { url, headers };
    },

    presignGet(key: string, expiresIn: number): Promise<string> {
      return getSignedUrl(client, new GetObjectCommand({ Bucket, Key: key }), { expiresIn });
    },

    /** Type and size of an object, or null when there is none. */
    async head(key: string): Promise<StoredObject | null> {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return { contentType: out.ContentType, contentLength: out.ContentLength ?? 0 };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    /** The first `length` bytes of an object (fewer when it is shorter). */
    async readStart(key: string, length: number): Promise<Uint8Array> {
      const out = await client.send(
        new GetObjectCommand({ Bucket, Key: key, Range: `bytes=0-${length - 1}` }),
      );
      return (await out.Body?.transformToByteArray()) ?? new Uint8Array();
    },

    /** Streams `body` of exactly `contentLength` bytes to `key`. */
    async put(key: string, body: ReadableStream<Uint8Array>, contentLength: number, contentType: string) {
      await client.send(
        new PutObjectCommand({
          Bucket,
          Key: key,
          Body: body,
          ContentLength: contentLength,
          ContentType: contentType,
        }),
      );
    },

    /** Deletes each object; a missing one is no error (S3 semantics). */
    async delete(keys: string[]): Promise<void> {
      // One DeleteObject each: DeleteObjects needs a body checksum not every S3-compatible store accepts.
      await Promise.all(keys.map((Key) => client.send(new DeleteObjectCommand({ Bucket, Key }))));
    },
  };
}

export type ObjectStore = ReturnType<typeof objectStore>;
