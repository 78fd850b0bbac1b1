/** @module What the Node-side global setups hand to the tests running inside workerd (vitest `provide`/`inject`). */

export interface TestStorage {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** The parity input picture, base64-encoded, in each accepted format; and two photos (JPEG) for framing. */
export interface TestImages {
  png: string;
  jpeg: string;
  webp: string;
  /** test/fixtures/faces/astronaut.jpg, 512×512, its face hand-labelled at [178, 78, 92, 92]. */
  portrait: string;
  /** test/fixtures/faces/fruits.jpg: no face. */
  faceless: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    storage: TestStorage;
    /** The HMAC secret the workers were started with. */
    workerSecret: string;
    images: TestImages;
    /** The worker the edge's WORKER_URL points at: a healthy one, or in the faults project a failing one. */
    workerUrl: string;
    /** Edge project only: the webhook receiver (edge/test/node/webhook-receiver.ts). */
    webhookReceiverUrl: string;
    /** Edge project only: GET answers the healthy worker's log so far (JSON lines). */
    workerLogsUrl: string;
    /** Faults project only: a real worker whose batches wait longer than the edge lets a call take. */
    slowWorkerUrl: string;
    /** Faults project only: a port where nothing listens. */
    downWorkerUrl: string;
    /** Faults project only: a server that accepts connections and never answers. */
    hungWorkerUrl: string;
    /** Faults project only: answers as a worker still loading its models (404 unknown model; /readyz 503, Retry-After 7). */
    loadingWorkerUrl: string;
    /** Faults project only: answers 503 with Retry-After 30 to everything. */
    busyWorkerUrl: string;
  }
}
