/** @module What the worker's routes and middleware share: the Hono environment and the worker's state. */
import { Hono } from "hono";
import type { Logger } from "pino";

/** Set per request by the request-log middleware. */
export type WorkerEnv = { Variables: { requestId: string; log: Logger } };

export interface WorkerState {
  /** Every model is loaded. */
  ready: boolean;
  /** SIGTERM arrived: finish what is in flight, take nothing new. */
  draining: boolean;
  /** Requests being answered. */
  inFlight: number;
}

/** A router for one resource's routes, mounted by `createWorkerApp`. */
export function createRouter(): Hono<WorkerEnv> {
  return new Hono<WorkerEnv>();
}
