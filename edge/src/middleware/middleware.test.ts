import { describe, expect, it } from "vitest";
import { call } from "../../test/workerd/api.ts";

describe("every response", () => {
  it("includes GET /healthz, which needs no key", async () => {
    const r = await call("/healthz");
    expect([r.status, await r.json()]).toEqual([200, { status: "ok" }]);
  });

  it("carries an X-Request-Id: the client's when it is sane, else a new one", async () => {
    expect((await call("/", { headers: { "x-request-id": "abc-123" } })).headers.get("x-request-id")).toBe(
      "abc-123",
    );
    const generated = (await call("/v2/x", { headers: { "x-request-id": "bad id!" } })).headers.get(
      "x-request-id",
    );
    expect(generated).toMatch(/^[0-9A-Z]{26}$/);
    expect((await call("/v1/models")).headers.get("x-request-id")).toMatch(/^[0-9A-Z]{26}$/);
  });

  it("carries security headers", async () => {
    for (const r of [await call("/"), await call("/v1/models"), await call("/docs")]) {
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("strict-transport-security")).toMatch(/max-age=/);
      expect(r.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
      expect(r.headers.get("x-frame-options")).toBeTruthy();
      expect(r.headers.get("referrer-policy")).toBe("no-referrer");
    }
  });
});

describe("CORS", () => {
  const preflight = (origin: string) =>
    call("/v1/uploads", {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, idempotency-key",
      },
    });

  it("allows the configured origins, with the headers clients need", async () => {
    const r = await preflight("https://app.example");
    expect(r.status).toBe(204);
    expect(r.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(r.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("idempotency-key");
    const get = await call("/v2/x", { headers: { origin: "https://app.example" } });
    expect(get.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(get.headers.get("access-control-expose-headers")?.toLowerCase()).toContain("retry-after");
  });

  it("does not allow other origins", async () => {
    expect((await preflight("https://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
  });
});
