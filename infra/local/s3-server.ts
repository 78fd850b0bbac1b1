/**
 * A local S3-compatible server that verifies SigV4 signatures (header and presigned), for tests and
 * `npm start`: @20minutes/s3rver behind a gate that refuses anonymous requests, as real S3 does for a
 * private bucket (s3rver alone lets unsigned requests through).
 */

import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import S3rver from "@20minutes/s3rver";

const require = createRequire(import.meta.url);

export interface LocalS3Options {
  host?: string;
  port?: number;
  /** Where objects are kept. */
  directory: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Origins allowed to PUT and GET with presigned URLs from a browser. */
  corsOrigins?: string[];
}

export interface LocalS3 {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

function corsConfig(origins: string[]): string {
  const rules = origins
    .map(
      (origin) =>
        `<CORSRule><AllowedOrigin>${origin}</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule>`,
    )
    .join("");
  return `<CORSConfiguration>${rules}</CORSConfiguration>`;
}

function isSigned(url: URL, headers: Record<string, unknown>): boolean {
  return (
    "authorization" in headers || url.searchParams.has("X-Amz-Algorithm") || url.searchParams.has("Signature")
  );
}

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  // s3rver keeps its accounts in a module-level registry: replace its built-in S3RVER/S3RVER key pair.
  const { DUMMY_ACCOUNT } = require("@20minutes/s3rver/lib/models/account.js") as {
    DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void; revokeAccessKey(id: string): void };
  };
  DUMMY_ACCOUNT.revokeAccessKey("S3RVER");
  DUMMY_ACCOUNT.createKeyPair(options.accessKeyId, options.secretAccessKey);

  const s3rver = new S3rver({
    silent: true,
    directory: options.directory,
    vhostBuckets: false,
    configureBuckets: [
      { name: options.bucket, configs: options.corsOrigins?.length ? [corsConfig(options.corsOrigins)] : [] },
    ],
  });
  await s3rver.configureBuckets();
  const handle = s3rver.getMiddleware();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://local");
    if (req.method !== "OPTIONS" && !isSigned(url, req.headers)) {
      res.writeHead(403, { "content-type": "application/xml" });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Anonymous access is not allowed</Message></Error>',
      );
      return;
    }
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${options.host ?? "127.0.0.1"}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive clients would otherwise hold the close open
      }),
  };
}
