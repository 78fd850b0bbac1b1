/** @module A small cap on every body but images (which the upload path caps by the principal's limit). */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../context.ts";
import { problems } from "../problems/api-problem.ts";
import { imageContentType } from "../uploads/receive-upload.ts";

export const MAX_JSON_BYTES = 64 * 1024;

export function jsonBodyLimit(): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize: MAX_JSON_BYTES,
    onError: () => {
      throw problems.tooLarge(MAX_JSON_BYTES);
    },
  });
  return (c, next) => (imageContentType(c.req.header("content-type")) ? next() : limit(c, next));
}
