/** @module Per-key (per-IP when anonymous) rate limits through the Workers Rate Limiting bindings. */
import type { MiddlewareHandler } from "hono";
import { edgeConfig } from "../config/edge-config.ts";
import type { AppEnv } from "../context.ts";
import { problems } from "../problems/api-problem.ts";

/**
 * Counts the request against the principal's limiter; past the limit, 429 with Retry-After and the IETF
 * RateLimit / RateLimit-Policy headers. The binding only answers yes or no, so the remaining count is
 * announced only when it is zero.
 *
 * @example
 * app.use("/v1/*", authenticate(), rateLimit());
 */
export function rateLimit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.get("principal");
    const config = edgeConfig(c.env);
    const window = config.rateLimit.periodSeconds;
    const [name, limiter, key, quota] = principal.anonymous
      ? ["ip", c.env.ANON_RATE_LIMITER, `ip:${principal.clientNetwork}`, config.anonymous.rateLimit]
      : ["key", c.env.RATE_LIMITER, `key:${principal.keyId}`, config.rateLimit.requests];
    const policy = `"${name}";q=${quota};w=${window}`;
    const { success } = await limiter.limit({ key });
    if (!success) {
      throw problems.rateLimited(window, {
        "ratelimit-policy": policy,
        ratelimit: `"${name}";r=0;t=${window}`,
      });
    }
    await next();
    c.header("RateLimit-Policy", policy);
  };
}
