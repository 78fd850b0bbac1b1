import { describe, expect, it } from "vitest";
import { call, expectProblem, newKey } from "../../test/workerd/api.ts";
import { sha256Hex } from "../security/digest.ts";

describe("GET /v1/models", () => {
  it("lists the worker's models with their directions and domains, marking the default and the light ones", async () => {
    const r = await call("/v1/models", { key: await newKey() });
    expect(r.status).toBe(200);
    const model = (id: string, light: boolean) => ({
      id,
      name: id.split("@")[0],
      version: "1",
      directions: ["A2B", "B2A"],
      size: 64,
      light,
      default: id === "light@1",
      untrained: false,
      framing: "fit",
      // the test checkpoints name no domains (the demo model's, named, go through in test/e2e/stack.test.ts)
      domains: null,
    });
    expect(await r.json()).toEqual({
      models: [model("light@1", true), model("full@1", false)],
      default_model: "light@1",
    });
  });
});

describe("GET /v1/models/{model}/onnx", () => {
  it("streams a light model's generator as ONNX, with its entity tag, and 304 once the client has it", async () => {
    const key = await newKey();
    const r = await call("/v1/models/light@1/onnx?direction=B2A", { key });
    expect(r.status, r.ok ? "" : await r.clone().text()).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/octet-stream");
    expect(r.headers.get("content-disposition")).toBe('attachment; filename="light@1-B2A.onnx"');
    expect(r.headers.get("cache-control")).toBe("private, no-cache");
    expect(r.headers.get("x-model-id")).toBe("light@1");
    const etag = r.headers.get("etag") as string;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const bytes = new Uint8Array(await r.arrayBuffer());
    expect(bytes.length).toBe(Number(r.headers.get("content-length")));
    // the bytes arrived whole (the tag is their SHA-256) and are the model's B2A generator
    expect(`"${await sha256Hex(bytes)}"`).toBe(etag);
    expect(new TextDecoder("latin1").decode(bytes)).toContain("ugatit_genB2A");

    const again = await call("/v1/models/light@1/onnx?direction=B2A", {
      key,
      headers: { "if-none-match": etag },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
    // by name alone: the newest version
    const byName = await call("/v1/models/light/onnx?direction=B2A", {
      key,
      headers: { "if-none-match": etag },
    });
    expect([byName.status, byName.headers.get("etag")]).toEqual([304, etag]);
  });

  it("refuses a full model with 422 saying a light one is needed", async () => {
    const body = await expectProblem(
      await call("/v1/models/full@1/onnx?direction=A2B", { key: await newKey() }),
      422,
    );
    expect(body.type).toBe("https://ugatit.dev/problems/light-model-required");
    expect(body.detail).toMatch(/full@1 is a full model.*translating in the browser needs a light model/);
  });

  it("answers 404 for an unknown model, 400 for a missing or unknown direction, 401 without a key", async () => {
    const key = await newKey();
    const unknown = await expectProblem(await call("/v1/models/nope@1/onnx?direction=A2B", { key }), 404);
    expect(unknown.detail).toMatch(/no model nope@1/);
    const sideways = await expectProblem(await call("/v1/models/light@1/onnx?direction=A2A", { key }), 400);
    expect(sideways.detail).toMatch(/^direction: /);
    await expectProblem(await call("/v1/models/light@1/onnx", { key }), 400);
    await expectProblem(await call("/v1/models/Not a model/onnx?direction=A2B", { key }), 400);
    await expectProblem(await call("/v1/models/light@1/onnx?direction=A2B"), 401);
  });
});

describe("the models in the API description", () => {
  it("describe each model's domains: A and B in words, or null", async () => {
    const doc = (await (await call("/openapi.json")).json()) as {
      components: { schemas: { Model: { required: string[]; properties: Record<string, unknown> } } };
    };
    const model = doc.components.schemas.Model;
    expect(model.required).toContain("domains");
    const domains = JSON.stringify(model.properties.domains);
    expect(domains).toMatch(/"A":\{"type":"string"/);
    expect(domains).toMatch(/"B":\{"type":"string"/);
    expect(domains).toContain('"null"');
    expect(domains).toContain("A2B turns an image of A into one of B");
  });
});
