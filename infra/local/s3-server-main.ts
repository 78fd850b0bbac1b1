/**
 * Runs the local S3 server as a process of its own; configured by S3_* environment variables, it
 * prints one JSON line `{"ready":true,"endpoint":…}` once it listens, and stops on SIGTERM/SIGINT.
 */
import { startLocalS3 } from "./s3-server.ts";

const env = process.env;
const s3 = await startLocalS3({
  host: env.S3_HOST ?? "127.0.0.1",
  port: Number(env.S3_PORT ?? 0),
  directory: env.S3_DIRECTORY ?? ".local/s3",
  bucket: env.S3_BUCKET ?? "ugatit",
  accessKeyId: env.S3_ACCESS_KEY_ID ?? "local-access-key",
  secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? "local-secret-key",
  corsOrigins: env.S3_CORS_ORIGINS?.split(",").filter(Boolean) ?? [],
}).catch((error: NodeJS.ErrnoException) => {
  process.stderr.write(
    `s3: ${error.code === "EADDRINUSE" ? `port ${env.S3_PORT} is already in use` : error.message}\n`,
  );
  process.exit(1);
});
process.stdout.write(`${JSON.stringify({ ready: true, endpoint: s3.endpoint, port: s3.port })}\n`);
const stop = () => void s3.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
