/** @module GET /openapi.json, generated from the zod schemas that validate the requests, and GET /docs. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../context.ts";
import { renderDocsPage } from "./docs-page.ts";

const DOCUMENT_CONFIG = {
  openapi: "3.1.0",
  info: {
    title: "U-GAT-IT translation API",
    version: "1.0.0",
    description:
      "Image-to-image translation with U-GAT-IT. Upload an image (presigned PUT, or as the request body), " +
      "translate it synchronously or as a job, fetch the results from short-lived URLs. " +
      "Errors are RFC 9457 problem details (application/problem+json).",
  },
};

/**
 * Serves the OpenAPI 3.1 document of every route registered on `app` so far, and a page that reads it.
 *
 * @example
 * registerOpenApi(app); // after the resources' routes
 */
export function registerOpenApi(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "An API key: Authorization: Bearer ugk_…",
  });
  const document = () => app.getOpenAPI31Document(DOCUMENT_CONFIG);
  app.get("/openapi.json", (c) => c.json(document()));
  app.get("/docs", (c) => c.html(renderDocsPage(document())));
}
