import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";

export type StorageFailure = "not_found" | "too_large" | "unavailable" | "forbidden";

export class StorageError extends Error {
  override name = "StorageError";
  constructor(
    readonly reason: StorageFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface ObjectStoreOptions {
  endpoint?: string | undefined;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

function classify(error: unknown, what: string): StorageError {
  if (error instanceof StorageError) return error;
  if (error instanceof S3ServiceException) {
    const status = error.$metadata.httpStatusCode ?? 0;
    if (status === 404 || error.name === "NoSuchKey" || error.name === "NotFound") {
      return new StorageError("not_found", `${what}: no such object`);
    }
    if (status === 403 || status === 401)
      return new StorageError("forbidden", `${what}: storage refused the credentials (${error.name})`);
    return new StorageError("unavailable", `${what}: storage answered ${status || error.name}`);
  }
  const name = (error as Error)?.name;
  if (name === "AbortError") throw error; // the caller's own cancellation, not a storage fault
  return new StorageError(
    "unavailable",
    `${what}: storage unreachable (${(error as Error)?.message ?? String(error)})`,
  );
}

/** The S3 operations the worker needs, on one bucket, with failures sorted into what callers answer. */
export class ObjectStore {
  readonly bucket: string;
  private readonly client: S3Client;

  constructor(options: ObjectStoreOptions) {
    this.bucket = options.bucket;
    this.client = new S3Client({
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      // R2 and presigned flows need checksums only where S3 requires them
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      maxAttempts: 2,
    });
  }

  /** Reads a whole object, refusing one larger than `maxBytes` before reading its body. */
  async get(key: string, maxBytes: number, signal?: AbortSignal, bucket = this.bucket): Promise<Uint8Array> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key }),
        signal ? { abortSignal: signal } : {},
      );
      if ((out.ContentLength ?? 0) > maxBytes) {
        (out.Body as { destroy?: () => void } | undefined)?.destroy?.(); // not worth reading
        throw new StorageError(
          "too_large",
          `${key} is ${out.ContentLength} bytes, over the ${maxBytes}-byte limit`,
        );
      }
      const bytes = await out.Body?.transformToByteArray();
      if (!bytes) throw new StorageError("unavailable", `${key}: storage returned no body`);
      return bytes;
    } catch (error) {
      throw classify(error, key);
    }
  }

  /** PutObject is atomic in S3: the object appears whole or not at all. */
  async put(key: string, body: Uint8Array, contentType: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          ContentLength: body.length,
        }),
        signal ? { abortSignal: signal } : {},
      );
    } catch (error) {
      throw classify(error, key);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      throw classify(error, key);
    }
  }

  /**
   * Proves the endpoint answers, accepts the credentials and has the bucket: a GET of a key that need not
   * exist (its error body, unlike a HEAD's, tells a missing key from a missing bucket).
   */
  async probe(): Promise<void> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: ".ugatit-worker-probe" }),
      );
      await out.Body?.transformToByteArray();
    } catch (error) {
      if (error instanceof S3ServiceException && error.name === "NoSuchBucket") {
        throw new StorageError("not_found", `bucket ${this.bucket} does not exist`);
      }
      const e = classify(error, `bucket ${this.bucket}`);
      if (e.reason !== "not_found") throw e;
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}
