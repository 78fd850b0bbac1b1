/** @module GET /v1/webhooks/secret: the key receivers verify this tenant's webhooks with. */
import { createRoute } from "@hono/zod-openapi";
import { requireScope } from "../auth/authenticate.ts";
import { createRouter } from "../context.ts";
import { API_KEY_SECURITY, problemResponses } from "../openapi/responses.ts";
import { problems } from "../problems/api-problem.ts";
import { WebhookSecret } from "./schemas.ts";
import { tenantWebhookSecret } from "./webhook-secret.ts";

const getSecretRoute = createRoute({
  method: "get",
  path: "/v1/webhooks/secret",
  tags: ["Webhooks"],
  summary: "The tenant's webhook signing secret",
  description:
    "Webhooks are signed as Standard Webhooks specify: `webhook-signature: v1,<base64 HMAC-SHA256 of " +
    '"{webhook-id}.{webhook-timestamp}.{body}">`, keyed with the base64-decoded part after `whsec_`. ' +
    "Created on first use; the same for every key of the tenant. It signs as well as verifies, so it takes " +
    "the write scope, and an API key: the anonymous tier has no webhooks.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("write")] as const,
  responses: {
    200: { description: "The secret", content: { "application/json": { schema: WebhookSecret } } },
    ...problemResponses(403),
  },
});

export const webhooksRoutes = createRouter().openapi(getSecretRoute, async (c) => {
  if (c.get("principal").anonymous) throw problems.forbidden("webhooks need an API key");
  c.header("Cache-Control", "no-store");
  return c.json({ key: await tenantWebhookSecret(c.env.DB, c.get("principal").tenant) }, 200);
});
