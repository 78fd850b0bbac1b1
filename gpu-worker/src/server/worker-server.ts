import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { version_core as tfjsVersion } from "@tensorflow/tfjs-core";
import { ReplayGuard } from "@ugatit/contracts/protocol";
import pino, { type Logger } from "pino";
import { activateBackend } from "../runtime/backends.ts";
import { activeWebGpuAdapter } from "../runtime/webgpu/webgpu-adapter.ts";
import { BatcherPool } from "./batching/batcher-pool.ts";
import type { WorkerConfig } from "./config/worker-config.ts";
import type { WorkerState } from "./context.ts";
import { ImagePreparation } from "./infer/image-preparation.ts";
import { WorkerMetrics } from "./metrics/worker-metrics.ts";
import { ModelRegistry } from "./models/model-registry.ts";
import { parseModelSpecs } from "./models/model-spec.ts";
import { ObjectStore } from "./storage/object-store.ts";
import { createWorkerApp } from "./worker-app.ts";

async function onnxRuntimeVersion(): Promise<string> {
  return (await import("onnxruntime-node")).env.versions.node ?? "unknown";
}

/** Resolves once no request is being answered (a 503 to a newcomer ends at once). */
async function settled(state: WorkerState): Promise<void> {
  while (state.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
}

export class StartupError extends Error {
  override name = "StartupError";
}

export interface RunningWorker {
  url: string;
  state: WorkerState;
  registry: ModelRegistry;
  /** Stops taking requests, lets those in flight finish (at most `DRAIN_TIMEOUT_MS`), then releases everything. */
  drain(): Promise<{ completed: boolean }>;
}

/**
 * Starts the worker: checks storage, picks the backend, listens (so /healthz answers while models load),
 * loads every model, then reports ready. Any failure before ready is a {@link StartupError} with one line.
 */
export async function startWorker(
  config: WorkerConfig,
  logger: Logger = pino({ level: config.LOG_LEVEL }),
): Promise<RunningWorker> {
  const specs = parseModelSpecs(config.UGATIT_MODELS);
  const storage = new ObjectStore({
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    bucket: config.S3_BUCKET,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
  });
  await storage.probe().catch((error: Error) => {
    throw new StartupError(`storage check failed: ${error.message}`);
  });
  const backend = await activateBackend(config.UGATIT_BACKEND).catch((error: Error) => {
    throw new StartupError(error.message);
  });

  const metrics = new WorkerMetrics();
  metrics.backend.set({ backend }, 1);
  const registry = new ModelRegistry(
    backend,
    config.UGATIT_SIZE,
    storage,
    config.UGATIT_PRECISION,
    config.UGATIT_TF_VERSION,
  );
  const batchers = new BatcherPool({
    maxBatch: config.MAX_BATCH,
    maxDelayMs: config.MAX_DELAY_MS,
    queueLimit: config.QUEUE_LIMIT,
  });
  const preparation = new ImagePreparation(config.PREPARE_THREADS);
  const state: WorkerState = { ready: false, draining: false, inFlight: 0 };
  const app = createWorkerApp({
    registry,
    batchers,
    storage,
    maxInputBytes: config.MAX_INPUT_BYTES,
    preparation,
    secret: config.WORKER_SHARED_SECRET,
    replays: new ReplayGuard(),
    metrics,
    logger,
    state,
    backend,
    precision: config.UGATIT_PRECISION,
    adapter: backend === "webgpu" ? activeWebGpuAdapter() : undefined,
    versions: {
      node: process.versions.node,
      tfjs: tfjsVersion,
      ...(backend === "onnx" || backend === "webgpu" ? { onnxruntime: await onnxRuntimeVersion() } : {}),
    },
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
  });

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () => resolve(s));
    s.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new StartupError(
          error.code === "EADDRINUSE" ? `port ${config.PORT} is already in use` : error.message,
        ),
      ),
    );
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info({ url, backend }, "listening; loading models");

  const release = () => {
    registry.dispose();
    storage.destroy();
    void preparation.close();
  };
  try {
    for (const spec of specs) {
      const model = await registry.load(spec).catch((error: Error) => {
        throw new StartupError(`model ${spec.name}@${spec.version} (${spec.source}): ${error.message}`);
      });
      metrics.modelLoadSeconds.set({ model: model.id }, model.loadSeconds);
      logger.info(
        { model: model.id, directions: model.info.directions, size: model.size, seconds: model.loadSeconds },
        "model loaded",
      );
    }
  } catch (error) {
    server.close();
    release();
    throw error;
  }
  state.ready = true;
  logger.info({ url, models: registry.list().map((m) => m.id) }, "ready");

  return {
    url,
    state,
    registry,
    async drain() {
      state.draining = true;
      const deadline = new Promise<"timeout">((resolve) =>
        setTimeout(resolve, config.DRAIN_TIMEOUT_MS, "timeout").unref(),
      );
      // Still listening while work finishes: a request routed here meanwhile gets a retryable 503, not a refused connection.
      const finished = batchers
        .idle()
        .then(() => settled(state))
        .then(() => new Promise<void>((resolve) => server.close(() => resolve())))
        .then(() => "done" as const);
      const outcome = await Promise.race([finished, deadline]);
      if (outcome === "timeout" && "closeAllConnections" in server) server.closeAllConnections();
      release();
      logger.info({ completed: outcome === "done" }, "drained");
      return { completed: outcome === "done" };
    },
  };
}
