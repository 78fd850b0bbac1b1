import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestS3, type TestS3 } from "../../test/helpers/s3-server.ts";

let s3: TestS3;
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(() => s3.stop());

const client = (secret: string) =>
  new S3Client({
    endpoint: s3.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: secret },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });

describe("the local S3 server checks what real S3 checks", () => {
  it("serves signed requests with the right key", async () => {
    const good = client(s3.secretAccessKey);
    await good.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: "a/b.txt", Body: "hello", ContentType: "text/plain" }),
    );
    const got = await good.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "a/b.txt" }));
    expect(await got.Body?.transformToString()).toBe("hello");
  });

  it("refuses a wrong secret and anonymous requests", async () => {
    await expect(
      client("wrong-secret").send(new GetObjectCommand({ Bucket: s3.bucket, Key: "a/b.txt" })),
    ).rejects.toThrow(/signature/i);
    expect((await fetch(`${s3.endpoint}/${s3.bucket}/a/b.txt`)).status).toBe(403);
    expect((await fetch(`${s3.endpoint}/${s3.bucket}/x`, { method: "PUT", body: "x" })).status).toBe(403);
  });

  it("binds a presigned PUT to its Content-Type and Content-Length, and to its signature", async () => {
    const url = await getSignedUrl(
      client(s3.secretAccessKey),
      new PutObjectCommand({ Bucket: s3.bucket, Key: "p.png", ContentType: "image/png", ContentLength: 5 }),
      { expiresIn: 60, signableHeaders: new Set(["content-type", "content-length"]) },
    );
    const put = (body: string, type: string, target = url) =>
      fetch(target, { method: "PUT", body, headers: { "content-type": type } }).then((r) => r.status);
    expect(await put("hello!", "image/png")).toBe(403);
    expect(await put("hello", "image/jpeg")).toBe(403);
    expect(
      await put("hello", "image/png", url.replace(/X-Amz-Signature=[0-9a-f]{4}/, "X-Amz-Signature=0000")),
    ).toBe(403);
    expect(await put("hello", "image/png")).toBe(200);
  });

  it("keeps its data across a restart", async () => {
    await s3.stop();
    await s3.start();
    const got = await client(s3.secretAccessKey).send(
      new GetObjectCommand({ Bucket: s3.bucket, Key: "a/b.txt" }),
    );
    expect(await got.Body?.transformToString()).toBe("hello");
  });
});
