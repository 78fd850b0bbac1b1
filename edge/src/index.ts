/**
 * @module The edge Worker: wires middleware, the resources' routes, the OpenAPI document and the queue
 * consumer to the bindings of wrangler.toml.
 */
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { ulid } from "ulid";
import { authenticate } from "./auth/authenticate.ts";
import { rateLimit } from "./auth/rate-limit.ts";
import { createRouter } from "./context.ts";
import { demoRoutes } from "./demo/routes.ts";
import { corsForConfiguredOrigins } from "./middleware/cors.ts";
import { jsonBodyLimit } from "./middleware/json-body-limit.ts";
import { modelsRoutes } from "./models/routes.ts";
import { registerOpenApi } from "./openapi/document.ts";
import { notFound, onError } from "./problems/respond.ts";
import { sweep } from "./sweeper/sweep.ts";
import { consumeJobQueue, type JobMessage } from "./translations/job-queue.ts";
import { translationsRoutes } from "./translations/routes.ts";
import { uploadsRoutes } from "./uploads/routes.ts";
import type { WebhookMessage } from "./webhooks/announce.ts";
import { consumeWebhookQueue } from "./webhooks/deliver-webhook.ts";
import { webhooksRoutes } from "./webhooks/routes.ts";

const app = createRouter();

app.use(requestId({ limitLength: 128, generator: () => ulid() }));
app.use(corsForConfiguredOrigins());
app.use(
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: ["'unsafe-inline'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
    },
    crossOriginResourcePolicy: "cross-origin",
    // a route with its own policy (the demo page) keeps it
    overwrite: false,
  }),
);
app.use("/v1/*", authenticate(), rateLimit(), jsonBodyLimit());

app.route("/", uploadsRoutes);
app.route("/", translationsRoutes);
app.route("/", modelsRoutes);
app.route("/", webhooksRoutes);
registerOpenApi(app);
app.route("/", demoRoutes);
app.get("/healthz", (c) => c.json({ status: "ok" }));

app.notFound(notFound(app));
app.onError(onError);

export default {
  fetch: app.fetch,
  // by wrangler.toml's names: ugatit-webhooks, or ugatit-jobs and its dead-letter queue
  queue: (batch, env) =>
    batch.queue.startsWith("ugatit-webhooks")
      ? consumeWebhookQueue(batch as MessageBatch<WebhookMessage>, env)
      : consumeJobQueue(batch as MessageBatch<JobMessage>, env),
  scheduled: async (controller, env) => {
    await sweep(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env, JobMessage | WebhookMessage>;
