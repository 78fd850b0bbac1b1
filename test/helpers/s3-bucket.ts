/** @module The test S3 server's bucket as the tests fill and read it, through a client signed with its key. */
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { TestS3 } from "./s3-server.ts";

export interface TestBucket {
  client: S3Client;
  put(key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  get(key: string): Promise<Uint8Array>;
}

/** A path-style client of `s3`'s bucket; `put` stores PNG unless told another content type. */
export function testBucket(s3: TestS3): TestBucket {
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  return {
    client,
    async put(key, body, contentType = "image/png") {
      await client.send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body, ContentType: contentType }),
      );
    },
    async get(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
      return (await out.Body?.transformToByteArray()) as Uint8Array;
    },
  };
}
