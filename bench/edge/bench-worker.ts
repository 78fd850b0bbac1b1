/** @module The benchmark's Worker: the edge, with a bare Hono route beside it in the same Worker for the ratio. */
import { Hono } from "hono";
import edge from "../../edge/src/index.ts";
import type { JobMessage } from "../../edge/src/translations/job-queue.ts";

// A Worker module exports only handlers: the benchmark spells this path too.
const BARE_PATH = "/bench/bare";

const bare = new Hono().get(BARE_PATH, (c) => c.json({ ok: true }));

export default {
  fetch: (request, env, ctx) =>
    new URL(request.url).pathname === BARE_PATH
      ? bare.fetch(request, env, ctx)
      : edge.fetch(request, env, ctx),
  queue: edge.queue,
} satisfies ExportedHandler<Env, JobMessage>;
