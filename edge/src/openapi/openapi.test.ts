import { describe, expect, it } from "vitest";
import { call } from "../../test/workerd/api.ts";

describe("the API description", () => {
  it("serves an OpenAPI 3.1 document generated from the validating schemas", async () => {
    const r = await call("/openapi.json");
    expect(r.status).toBe(200);
    const doc = (await r.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
      components: {
        schemas: Record<string, { properties?: Record<string, { enum?: string[]; items?: unknown }> }>;
        securitySchemes: object;
      };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/v1/models",
      "/v1/models/{model}/onnx",
      "/v1/translations",
      "/v1/translations/{id}",
      "/v1/uploads",
      "/v1/uploads/{id}",
      "/v1/webhooks/secret",
    ]);
    expect(Object.keys(doc.paths["/v1/translations/{id}"] ?? {}).sort()).toEqual(["delete", "get"]);
    expect(Object.keys(doc.paths["/v1/translations"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/v1/translations"]?.post?.requestBody?.content ?? {})).toEqual([
      "application/json",
      "image/png",
      "image/jpeg",
      "image/webp",
    ]);
    expect(doc.components.schemas.TranslationRequest?.properties?.webhook_events).toMatchObject({
      items: { enum: ["started", "completed"] },
    });
    expect(doc.components.schemas.CreateUploadRequest?.properties?.content_type?.enum).toEqual([
      "image/png",
      "image/jpeg",
      "image/webp",
    ]);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        "TranslationRequest",
        "TranslationJob",
        "TranslationList",
        "WebhookState",
        "WebhookSecret",
        "Upload",
        "Problem",
        "ModelList",
      ]),
    );
    expect(doc.components.securitySchemes).toEqual({ apiKey: expect.objectContaining({ scheme: "bearer" }) });
  });

  it("serves a docs page listing every operation", async () => {
    const r = await call("/docs");
    expect(r.headers.get("content-type")).toMatch(/^text\/html/);
    const page = await r.text();
    for (const op of [
      'post</span> <span class="path">/v1/uploads',
      'get</span> <span class="path">/v1/models',
    ]) {
      expect(page).toContain(op);
    }
    expect(page).not.toContain("<script");
  });
});
