/** @module The edge's configuration: wrangler.toml vars and secrets, validated once per environment object. */
import { ModelRef, SharedSecret } from "@ugatit/contracts/protocol";
import { z } from "zod";
import type { ClientNetworkSource } from "../auth/client-network.ts";

const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const flag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0"])
    .default(fallback ? "true" : "false")
    .transform((v) => v === "true" || v === "1");
const list = z
  .string()
  .default("")
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );

const secondsList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const parts = v.split(",").map((s) => s.trim());
      if (parts.every((p) => /^\d{1,6}$/.test(p))) return parts.map(Number);
      ctx.addIssue({ code: "custom", message: "must be comma-separated whole seconds" });
      return z.NEVER;
    });

const MIB = 1024 * 1024;

const EdgeVars = z.object({
  WORKER_URL: z.url(),
  /** Placeholders and low-entropy values are refused: see docs/SECURITY.md, "Secrets". */
  WORKER_SHARED_SECRET: SharedSecret,
  WORKER_TIMEOUT_MS: int(60_000, 1_000, 600_000),
  /** Empty for AWS S3's own endpoint. */
  S3_ENDPOINT: z.union([z.url(), z.literal("")]).default(""),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_BUCKET: z.string().min(1),
  S3_FORCE_PATH_STYLE: flag(false),
  S3_ACCESS_KEY_ID: z.string().min(1),
  S3_SECRET_ACCESS_KEY: z.string().min(1),
  S3_CONDITIONAL_PUT: flag(true),
  CORS_ORIGINS: list,
  MAX_UPLOAD_BYTES: int(10 * MIB, 1, 5 * 1024 * MIB),
  /** "on": keyed on the client's network as Cloudflare reports it; "local": one bucket (wrangler dev, loopback). */
  ANONYMOUS_TIER: z.enum(["off", "on", "local"]).default("off"),
  ANON_MAX_UPLOAD_BYTES: int(2 * MIB, 1, 5 * 1024 * MIB),
  DEFAULT_MODEL: ModelRef,
  UPLOAD_URL_TTL_SECONDS: int(600, 1, 3600),
  RESULT_URL_TTL_SECONDS: int(900, 1, 7 * 24 * 3600),
  RETRY_BASE_DELAY_SECONDS: int(2, 0, 3600),
  RETRY_MAX_DELAY_SECONDS: int(60, 1, 43_200),
  RETRY_BUDGET_SECONDS: int(900, 0, 7 * 24 * 3600),
  QUEUED_GRACE_SECONDS: int(600, 1, 24 * 3600),
  UPLOAD_RETENTION_HOURS: int(168, 1, 10 * 365 * 24),
  JOB_RETENTION_HOURS: int(168, 1, 10 * 365 * 24),
  IDEMPOTENCY_KEY_HOURS: int(24, 1, 10 * 365 * 24),
  WEBHOOK_RETRY_SCHEDULE_SECONDS: secondsList("30,120,600,1800,3600,5400"),
  WEBHOOK_ALLOW_LOCAL: flag(false),
  RATE_LIMIT_REQUESTS: int(120, 1, 1_000_000),
  ANON_RATE_LIMIT_REQUESTS: int(20, 1, 1_000_000),
  RATE_LIMIT_PERIOD_SECONDS: z.enum(["10", "60"]).default("60").transform(Number),
});

export interface EdgeConfig {
  worker: { url: string; secret: string; timeoutMs: number };
  storage: StorageConfig;
  corsOrigins: string[];
  maxUploadBytes: number;
  anonymous: {
    enabled: boolean;
    /** Where an anonymous client's network comes from. */
    networkSource: ClientNetworkSource;
    maxUploadBytes: number;
    rateLimit: number;
  };
  defaultModel: string;
  uploadUrlTtlSeconds: number;
  resultUrlTtlSeconds: number;
  retry: RetryPolicy;
  /** How long a queued job's message may be overdue before the sweeper takes it for lost. */
  queuedGraceSeconds: number;
  webhooks: { retryScheduleSeconds: number[]; allowLocal: boolean };
  /** How long the sweeper keeps uploads, finished jobs (with their outputs) and Idempotency-Keys. */
  retention: { uploadHours: number; jobHours: number; idempotencyKeyHours: number };
  rateLimit: { requests: number; periodSeconds: number };
}

export interface StorageConfig {
  endpoint: string | undefined;
  region: string;
  bucket: string;
  forcePathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  /** Presigned PUTs carry `If-None-Match: *`, so an upload cannot overwrite an object. */
  conditionalPut: boolean;
}

/** How failed attempts are retried: exponential backoff with jitter, within a budget from the job's creation. */
export interface RetryPolicy {
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  budgetSeconds: number;
}

/** A configuration the edge cannot run with; its message names every wrong variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const parsed = new WeakMap<object, EdgeConfig>();

/**
 * The edge's configuration from its bindings, parsed once per environment object.
 *
 * @example
 * const { maxUploadBytes } = edgeConfig(c.env);
 */
export function edgeConfig(env: Env): EdgeConfig {
  let config = parsed.get(env);
  if (!config) {
    config = parse(env);
    parsed.set(env, config);
  }
  return config;
}

function parse(env: Env): EdgeConfig {
  const result = EdgeVars.safeParse(env);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid edge configuration: ${issues.join("; ")}`);
  }
  const v = result.data;
  return {
    worker: {
      url: v.WORKER_URL.replace(/\/+$/, ""),
      secret: v.WORKER_SHARED_SECRET,
      timeoutMs: v.WORKER_TIMEOUT_MS,
    },
    storage: {
      endpoint: v.S3_ENDPOINT || undefined,
      region: v.S3_REGION,
      bucket: v.S3_BUCKET,
      forcePathStyle: v.S3_FORCE_PATH_STYLE,
      accessKeyId: v.S3_ACCESS_KEY_ID,
      secretAccessKey: v.S3_SECRET_ACCESS_KEY,
      conditionalPut: v.S3_CONDITIONAL_PUT,
    },
    corsOrigins: v.CORS_ORIGINS,
    maxUploadBytes: v.MAX_UPLOAD_BYTES,
    anonymous: {
      enabled: v.ANONYMOUS_TIER !== "off",
      networkSource: v.ANONYMOUS_TIER === "local" ? "local" : "cloudflare",
      maxUploadBytes: Math.min(v.ANON_MAX_UPLOAD_BYTES, v.MAX_UPLOAD_BYTES),
      rateLimit: v.ANON_RATE_LIMIT_REQUESTS,
    },
    defaultModel: v.DEFAULT_MODEL,
    uploadUrlTtlSeconds: v.UPLOAD_URL_TTL_SECONDS,
    resultUrlTtlSeconds: v.RESULT_URL_TTL_SECONDS,
    retry: {
      baseDelaySeconds: v.RETRY_BASE_DELAY_SECONDS,
      maxDelaySeconds: v.RETRY_MAX_DELAY_SECONDS,
      budgetSeconds: v.RETRY_BUDGET_SECONDS,
    },
    queuedGraceSeconds: v.QUEUED_GRACE_SECONDS,
    webhooks: { retryScheduleSeconds: v.WEBHOOK_RETRY_SCHEDULE_SECONDS, allowLocal: v.WEBHOOK_ALLOW_LOCAL },
    retention: {
      uploadHours: v.UPLOAD_RETENTION_HOURS,
      jobHours: v.JOB_RETENTION_HOURS,
      idempotencyKeyHours: v.IDEMPOTENCY_KEY_HOURS,
    },
    rateLimit: { requests: v.RATE_LIMIT_REQUESTS, periodSeconds: v.RATE_LIMIT_PERIOD_SECONDS },
  };
}
