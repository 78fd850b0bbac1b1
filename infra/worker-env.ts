/**
 * @module
 * The environment variables that configure `ugatit serve`: the one list the worker, its Dockerfiles,
 * the compose file and the Kubernetes manifests agree on.
 */

/** One variable `ugatit serve` reads. */
export interface WorkerEnvVar {
  readonly name: string;
  /** The value the worker uses when the variable is unset. */
  readonly default?: string;
  /** The worker cannot start without it (and has no default for it). */
  readonly required?: true;
  /** Credentials: set from a Kubernetes Secret, never from a ConfigMap or an image. */
  readonly secret?: true;
  readonly description: string;
}

export const WORKER_ENV = [
  { name: "PORT", default: "8080", description: "TCP port the HTTP service listens on" },
  { name: "HOST", default: "0.0.0.0", description: "address the HTTP service binds" },
  {
    name: "UGATIT_MODELS",
    required: true,
    description: "comma-separated name@version=source; source is a file path or s3://bucket/key",
  },
  {
    name: "UGATIT_BACKEND",
    description:
      "onnx | webgpu | tfjs-node-gpu | tfjs-node | wasm | cpu; unset: CUDA provider, else WebGPU on a GPU, else ONNX Runtime on the CPU",
  },
  {
    name: "UGATIT_PRECISION",
    default: "fp32",
    description: "fp32 | fp16 (convolutions in half precision; webgpu backend only)",
  },
  {
    name: "UGATIT_TF_VERSION",
    description:
      "head | legacy: the TensorFlow code version of TF checkpoints; unset: read off the file (docs/SELFIE2ANIME.md)",
  },
  {
    name: "UGATIT_SIZE",
    default: "256",
    description: "input side of light models (a full model's is fixed)",
  },
  { name: "S3_ENDPOINT", description: "S3-compatible endpoint URL; unset: AWS S3 of S3_REGION" },
  { name: "S3_REGION", default: "us-east-1", description: "SigV4 signing region" },
  { name: "S3_BUCKET", required: true, description: "bucket of the input and output images" },
  { name: "S3_ACCESS_KEY_ID", required: true, secret: true, description: "S3 access key id" },
  { name: "S3_SECRET_ACCESS_KEY", required: true, secret: true, description: "S3 secret access key" },
  {
    name: "S3_FORCE_PATH_STYLE",
    default: "true",
    description: "path-style bucket addressing (MinIO); false for virtual-hosted style",
  },
  {
    name: "WORKER_SHARED_SECRET",
    required: true,
    secret: true,
    description: "HMAC-SHA256 secret shared with the edge, at least 32 characters",
  },
  { name: "MAX_BATCH", default: "4", description: "largest batch the dynamic batcher forms" },
  { name: "MAX_DELAY_MS", default: "10", description: "longest a request waits for its batch to fill" },
  {
    name: "QUEUE_LIMIT",
    default: "64",
    description:
      "requests admitted per model and direction (being read, decoded or queued) before 503 + Retry-After",
  },
  { name: "REQUEST_TIMEOUT_MS", default: "30000", description: "per-request deadline" },
  { name: "MAX_INPUT_BYTES", default: "20971520", description: "largest input object read from storage" },
  {
    name: "DRAIN_TIMEOUT_MS",
    default: "30000",
    description: "after SIGTERM, how long in-flight work may take before the process exits",
  },
  {
    name: "PREPARE_THREADS",
    default: "2",
    description: "uploads decoded and resized at once, and the threads the resizing runs on",
  },
  { name: "LOG_LEVEL", default: "info", description: "least severe level logged" },
] as const satisfies readonly WorkerEnvVar[];

export type WorkerEnvName = (typeof WORKER_ENV)[number]["name"];

function lookup(name: string): WorkerEnvVar | undefined {
  return (WORKER_ENV as readonly WorkerEnvVar[]).find((variable) => variable.name === name);
}

/** Whether `name` is one of the variables `ugatit serve` reads. */
export function isWorkerEnvName(name: string): name is WorkerEnvName {
  return lookup(name) !== undefined;
}

/** The value `ugatit serve` uses for `name` when it is unset (undefined when there is none). */
export function workerEnvDefault(name: WorkerEnvName): string | undefined {
  return lookup(name)?.default;
}
