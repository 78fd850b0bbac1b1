/**
 * @module The edge under wrangler's local mode (workerd, with D1, the queues and the rate limiters emulated
 * by Miniflare), from Node: for the benchmark, the keys script's test and the local stack.
 */
import { join } from "node:path";
import { unstable_dev } from "wrangler";
import { REPO_ROOT } from "./wrangler-d1.ts";

export interface LocalEdge {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the edge as `wrangler dev --local` would, with `vars` over wrangler.toml's and .dev.vars.
 *
 * @example
 * const edge = await startLocalEdge({ persistTo: dir, vars: { WORKER_URL: worker.url, … } });
 */
export async function startLocalEdge(options: {
  vars: Record<string, string>;
  /** Where D1 and the other local state live (as `wrangler dev --persist-to`). */
  persistTo: string;
  /** Another entry module than edge/src/index.ts (the benchmark's). */
  entrypoint?: string;
  port?: number;
}): Promise<LocalEdge> {
  const worker = await unstable_dev(options.entrypoint ?? join(REPO_ROOT, "edge/src/index.ts"), {
    config: join(REPO_ROOT, "wrangler.toml"),
    vars: options.vars,
    persistTo: options.persistTo,
    ip: "127.0.0.1",
    port: options.port ?? 0,
    local: true,
    logLevel: "error",
    experimental: { disableExperimentalWarning: true, disableDevRegistry: true, watch: false },
  });
  return { url: `http://${worker.address}:${worker.port}`, stop: () => worker.stop() };
}
