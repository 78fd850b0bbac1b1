/**
 * @module Only the edge may call the API: a loading or draining worker refuses with a retryable 503 (never
 * a final 4xx the edge would pass on), then every request must carry a fresh signature.
 */
import {
  NONCE_HEADER,
  type ReplayGuard,
  SIGNATURE_HEADER,
  SignatureError,
  TIMESTAMP_HEADER,
  verifySignature,
} from "@ugatit/contracts/protocol";
import { createMiddleware } from "hono/factory";
import type { WorkerEnv, WorkerState } from "../context.ts";
import { problems } from "../problems/problems.ts";

export function signedRequests(deps: { secret: string; replays: ReplayGuard; state: WorkerState }) {
  return createMiddleware<WorkerEnv>(async (c, next) => {
    if (deps.state.draining) throw problems.draining();
    // Before every model is loaded an unknown model means "not yet", not "no such model".
    if (!deps.state.ready) throw problems.notReady();
    const body = new Uint8Array(await c.req.raw.clone().arrayBuffer());
    try {
      await verifySignature(
        deps.secret,
        {
          method: c.req.method,
          path: c.req.path,
          timestamp: c.req.header(TIMESTAMP_HEADER),
          nonce: c.req.header(NONCE_HEADER),
          signature: c.req.header(SIGNATURE_HEADER),
          body,
        },
        deps.replays,
      );
    } catch (error) {
      if (error instanceof SignatureError) throw problems.unsigned(error.message);
      throw error;
    }
    await next();
  });
}
