/**
 * @module The edge's Vitest projects: its tests run inside workerd (the Workers runtime) with the bindings of
 * the root wrangler.toml, against the real S3 server and `ugatit serve` processes a Node-side global setup
 * starts; its scripts' tests run in Node.
 */
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import type { TestProjectInlineConfiguration } from "vitest/config";
import type { TestStorage } from "./test/provided.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** What the tests set instead of wrangler.toml's vars; `inject` reads what the global setup started. */
function testBindings(storage: TestStorage, workerUrl: string, workerSecret: string) {
  return {
    WORKER_URL: workerUrl,
    WORKER_SHARED_SECRET: workerSecret,
    WORKER_TIMEOUT_MS: "20000",
    S3_ENDPOINT: storage.endpoint,
    S3_REGION: "us-east-1",
    S3_BUCKET: storage.bucket,
    S3_FORCE_PATH_STYLE: "true",
    S3_ACCESS_KEY_ID: storage.accessKeyId,
    S3_SECRET_ACCESS_KEY: storage.secretAccessKey,
    S3_CONDITIONAL_PUT: "true",
    CORS_ORIGINS: "https://app.example",
    MAX_UPLOAD_BYTES: String(1024 * 1024),
    ANONYMOUS_TIER: "off",
    ANON_MAX_UPLOAD_BYTES: String(64 * 1024),
    DEFAULT_MODEL: "light@1",
    UPLOAD_URL_TTL_SECONDS: "300",
    RESULT_URL_TTL_SECONDS: "300",
    RETRY_BASE_DELAY_SECONDS: "1",
    RETRY_MAX_DELAY_SECONDS: "60",
    RETRY_BUDGET_SECONDS: "900",
    QUEUED_GRACE_SECONDS: "600",
    // webhooks go to a receiver on 127.0.0.1, and are retried within seconds
    WEBHOOK_ALLOW_LOCAL: "true",
    WEBHOOK_RETRY_SCHEDULE_SECONDS: "1,1,1,1,1,1",
    RATE_LIMIT_REQUESTS: "40",
    ANON_RATE_LIMIT_REQUESTS: "5",
    RATE_LIMIT_PERIOD_SECONDS: "60",
  };
}

function workersProject(
  name: string,
  options: { include: string[]; exclude?: string[]; globalSetup: string },
): TestProjectInlineConfiguration {
  return {
    // @aws-sdk/xml-builder's browser build needs DOMParser, which workerd lacks (wrangler.toml aliases it too).
    resolve: {
      alias: { "@aws-sdk/xml-builder": here("../node_modules/@aws-sdk/xml-builder/dist-cjs/index.js") },
    },
    plugins: [
      cloudflareTest(async ({ inject }) => ({
        wrangler: { configPath: here("../wrangler.toml") },
        miniflare: {
          bindings: {
            ...testBindings(inject("storage"), inject("workerUrl"), inject("workerSecret")),
            TEST_MIGRATIONS: await readD1Migrations(here("migrations")),
          },
          ratelimits: {
            RATE_LIMITER: { namespace_id: "1001", simple: { limit: 40, period: 60 } },
            ANON_RATE_LIMITER: { namespace_id: "1002", simple: { limit: 5, period: 60 } },
          },
          queueConsumers: {
            "ugatit-jobs": {
              maxBatchSize: 4,
              maxBatchTimeout: 0.1,
              maxRetries: 2, // 3 attempts, then the dead-letter queue
              deadLetterQueue: "ugatit-jobs-dlq",
            },
            "ugatit-jobs-dlq": { maxBatchSize: 10, maxBatchTimeout: 0.1 },
            "ugatit-webhooks": { maxBatchSize: 10, maxBatchTimeout: 0.1, maxRetries: 20 },
          },
        },
      })),
    ],
    test: {
      name,
      include: options.include,
      exclude: options.exclude ?? [],
      globalSetup: [options.globalSetup],
      setupFiles: [here("test/workerd/apply-migrations.ts")],
      testTimeout: 60_000,
      hookTimeout: 120_000,
    },
  };
}

export const edgeProjects: TestProjectInlineConfiguration[] = [
  workersProject("edge", {
    include: ["edge/src/**/*.test.ts"],
    exclude: ["edge/src/**/*.faults.test.ts"],
    globalSetup: here("test/node/global-setup.ts"),
  }),
  workersProject("edge-faults", {
    include: ["edge/src/**/*.faults.test.ts"],
    globalSetup: here("test/node/faults-setup.ts"),
  }),
  {
    test: {
      name: "edge-scripts",
      include: ["edge/scripts/**/*.test.ts"],
      testTimeout: 120_000,
      hookTimeout: 120_000,
      pool: "forks",
    },
  },
];
