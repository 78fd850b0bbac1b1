import { SharedSecret } from "@ugatit/contracts/protocol";
import { TF_VERSIONS } from "@ugatit/model/architecture";
import { z } from "zod";
import { PRECISIONS } from "../../runtime/translator.ts";

const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0"])
    .default(fallback ? "true" : "false")
    .transform((v) => v === "true" || v === "1");

/** The worker's environment, validated once at start (see infra/README.md for deployment). */
export const WorkerEnv = z.object({
  PORT: int(8080, 0, 65535),
  HOST: z.string().default("0.0.0.0"),
  /** `name@version=source` entries, comma-separated; a source is a file path or `s3://bucket/key`. */
  UGATIT_MODELS: z.string().min(1, "UGATIT_MODELS names no model"),
  UGATIT_BACKEND: z.string().optional(),
  /** fp16: convolutions in half precision, on the webgpu backend. */
  UGATIT_PRECISION: z.enum(PRECISIONS).default("fp32"),
  /** The input side of light models (a full model's is fixed by its checkpoint). */
  UGATIT_SIZE: int(256, 8, 2048),
  /** The official TF code's version of TF checkpoints, when the one read off each file is not wanted. */
  UGATIT_TF_VERSION: z.enum(TF_VERSIONS).optional(),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default("us-east-1"),
  S3_BUCKET: z.string().min(1),
  S3_ACCESS_KEY_ID: z.string().min(1),
  S3_SECRET_ACCESS_KEY: z.string().min(1),
  S3_FORCE_PATH_STYLE: bool(true),
  /** Placeholders and low-entropy values are refused: see docs/SECURITY.md, "Secrets". */
  WORKER_SHARED_SECRET: SharedSecret,
  MAX_BATCH: int(4, 1, 64),
  MAX_DELAY_MS: int(10, 0, 10_000),
  QUEUE_LIMIT: int(64, 1, 100_000),
  REQUEST_TIMEOUT_MS: int(30_000, 100, 600_000),
  DRAIN_TIMEOUT_MS: int(30_000, 0, 600_000),
  /** Largest input object read from storage. */
  MAX_INPUT_BYTES: int(20 * 1024 * 1024, 1024, 512 * 1024 * 1024),
  /** Uploads decoded and resized at once, each resize on one of this many threads. */
  PREPARE_THREADS: int(2, 1, 64),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});
export type WorkerConfig = z.infer<typeof WorkerEnv>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment; every problem is named in one line. */
export function workerConfigFromEnv(env: Record<string, string | undefined>): WorkerConfig {
  const parsed = WorkerEnv.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${issues.join("; ")}`);
  }
  return parsed.data;
}
