/** @module CORS for the origins in CORS_ORIGINS, exposing the headers clients of this API read. */
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { edgeConfig } from "../config/edge-config.ts";
import type { AppEnv } from "../context.ts";

export function corsForConfiguredOrigins(): MiddlewareHandler<AppEnv> {
  return cors({
    origin: (origin, c) => (edgeConfig(c.env).corsOrigins.includes(origin) ? origin : null),
    allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
    allowHeaders: [
      "Authorization",
      "Content-Type",
      "Idempotency-Key",
      "Prefer",
      "X-Request-Id",
      "If-None-Match",
    ],
    exposeHeaders: [
      "Location",
      "Retry-After",
      "RateLimit",
      "RateLimit-Policy",
      "X-Request-Id",
      "Preference-Applied",
      "Idempotent-Replayed",
      "ETag",
      "X-Model-Id",
    ],
    maxAge: 600,
  });
}
