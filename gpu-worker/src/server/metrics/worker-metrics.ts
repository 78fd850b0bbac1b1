import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

const STAGE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The worker's Prometheus metrics, on a registry of their own. */
export class WorkerMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: "ugatit_requests_total",
    help: "HTTP requests by route and status",
    labelNames: ["route", "status"] as const,
    registers: [this.registry],
  });

  readonly stageSeconds = new Histogram({
    name: "ugatit_stage_seconds",
    help: "Time per inference stage: queue, decode, inference, encode, storage, total",
    labelNames: ["stage"] as const,
    buckets: STAGE_BUCKETS,
    registers: [this.registry],
  });

  readonly batchSize = new Histogram({
    name: "ugatit_batch_size",
    help: "Images per model forward",
    labelNames: ["model", "direction"] as const,
    buckets: [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64],
    registers: [this.registry],
  });

  readonly queueDepth = new Gauge({
    name: "ugatit_queue_depth",
    help: "Requests waiting for a batch",
    labelNames: ["model", "direction"] as const,
    registers: [this.registry],
  });

  readonly dropped = new Counter({
    name: "ugatit_dropped_total",
    help: "Requests abandoned: deadline passed (answered 504) or client gone (never computed if still queued)",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  readonly modelLoadSeconds = new Gauge({
    name: "ugatit_model_load_seconds",
    help: "Time to load each model",
    labelNames: ["model"] as const,
    registers: [this.registry],
  });

  readonly backend = new Gauge({
    name: "ugatit_backend_info",
    help: "The compute backend in use (value 1)",
    labelNames: ["backend"] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "ugatit_process_" });
  }
}
