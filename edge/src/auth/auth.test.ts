import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectProblem, image, newKey, uniqueTenant, uploadImage } from "../../test/workerd/api.ts";
import { createApiKey, revokeApiKey } from "../keys/key-store.ts";

const MISSING = "/v1/translations/01JD000000000000000000000";

describe("API keys", () => {
  it("refuses a request without a key, saying how to send one", async () => {
    const r = await call(MISSING);
    const problem = await expectProblem(r, 401);
    expect(problem.detail).toMatch(/Authorization: Bearer/);
    expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it.each([
    ["another scheme", "Basic dXNlcjpwYXNz", /must be Bearer/],
    ["a malformed key", "Bearer not-a-key", /malformed/],
    ["an unknown key", `Bearer ugk_0123456789abcdef_${"ab".repeat(32)}`, /not known/],
  ])("refuses %s with 401", async (_, authorization, detail) => {
    const problem = await expectProblem(await call(MISSING, { headers: { authorization } }), 401);
    expect(problem.detail).toMatch(detail);
  });

  it("refuses a known id with the wrong secret, and a revoked key", async () => {
    const { key, record } = await createApiKey(env.DB, uniqueTenant());
    const forged = key.replace(/.$/, (c) => (c === "0" ? "1" : "0"));
    expect((await expectProblem(await call(MISSING, { key: forged }), 401)).detail).toMatch(/not known/);
    expect((await call(MISSING, { key })).status).toBe(404);
    expect(await revokeApiKey(env.DB, record.id)).toBe(true);
    expect((await expectProblem(await call(MISSING, { key }), 401)).detail).toMatch(/revoked at/);
  });

  it("keeps only the key's hash", async () => {
    const { key, record } = await createApiKey(env.DB, uniqueTenant());
    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?").bind(record.id).first();
    expect(JSON.stringify(row)).not.toContain(key.split("_")[2]);
    expect(row).toMatchObject({ key_hash: expect.stringMatching(/^[0-9a-f]{64}$/), revoked_at: null });
  });

  it("refuses a write with a read-only key (403), and lets it read", async () => {
    const key = await newKey(undefined, ["read"]);
    const problem = await expectProblem(
      await call("/v1/uploads", { key, json: { content_type: "image/png", content_length: 10 } }),
      403,
    );
    expect(problem.detail).toMatch(/write scope/);
    expect((await call(MISSING, { key })).status).toBe(404);
  });

  it("scopes jobs and uploads to the key's tenant: another tenant's answer 404", async () => {
    const owner = await newKey();
    const stranger = await newKey();
    const upload = await uploadImage(owner, image());
    const created = await call("/v1/translations", {
      key: owner,
      json: { upload_id: upload.upload_id, direction: "A2B" },
    });
    const { id } = (await created.json()) as { id: string };
    await expectProblem(await call(`/v1/translations/${id}`, { key: stranger }), 404);
    await expectProblem(await call(`/v1/translations/${id}`, { key: stranger, method: "DELETE" }), 404);
    await expectProblem(
      await call("/v1/translations", {
        key: stranger,
        json: { upload_id: upload.upload_id, direction: "A2B" },
      }),
      404,
    );
    expect((await call(`/v1/translations/${id}`, { key: owner })).status).toBe(200);
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After and RateLimit headers past the key's limit, for that key only", async () => {
    const key = await newKey();
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await call(MISSING, { key })).status);
    expect(new Set(statuses)).toEqual(new Set([404]));
    const limited = await call(MISSING, { key });
    const problem = await expectProblem(limited, 429);
    expect(problem.type).toBe("https://ugatit.dev/problems/rate-limited");
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(limited.headers.get("ratelimit-policy")).toBe('"key";q=40;w=60');
    expect(limited.headers.get("ratelimit")).toBe('"key";r=0;t=60');
    expect((await call(MISSING, { key: await newKey() })).status).toBe(404);
  });
});

describe("the anonymous tier", () => {
  const anonymous = { ANONYMOUS_TIER: "on" } as const;
  const from = (ip: string) => ({ "cf-connecting-ip": ip });

  it("is off by default", async () => {
    await expectProblem(
      await call("/v1/uploads", { json: { content_type: "image/png", content_length: 10 } }),
      401,
    );
  });

  it("when on, serves requests without a key under a smaller size cap", async () => {
    const ok = await call("/v1/uploads", {
      env: anonymous,
      headers: from("192.0.2.10"),
      json: { content_type: "image/png", content_length: 64 * 1024 },
    });
    expect(ok.status).toBe(201);
    const big = await call("/v1/uploads", {
      env: anonymous,
      headers: from("192.0.2.10"),
      json: { content_type: "image/png", content_length: 64 * 1024 + 1 },
    });
    expect((await expectProblem(big, 413)).max_bytes).toBe(64 * 1024);
    // a key still gets the full cap
    const keyed = await call("/v1/uploads", {
      env: anonymous,
      key: await newKey(),
      json: { content_type: "image/png", content_length: 64 * 1024 + 1 },
    });
    expect(keyed.status).toBe(201);
  });

  it("when on, limits each IP on its own", async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await call(MISSING, { env: anonymous, headers: from("198.51.100.7") })).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
    const limited = await call(MISSING, { env: anonymous, headers: from("198.51.100.7") });
    expect(limited.headers.get("ratelimit-policy")).toBe('"ip";q=5;w=60');
    expect((await call(MISSING, { env: anonymous, headers: from("198.51.100.8") })).status).toBe(404);
  });

  it("when on, counts an IPv6 client by its /64, where it can pick any address", async () => {
    const statuses = [];
    for (const address of [
      "2001:db8:7:7::1",
      "2001:db8:7:7::2",
      "2001:db8:7:7:ffff:ffff:ffff:ffff",
      "2001:db8:7:7:a:b:c:d",
      "2001:db8:7:7::9",
      "2001:0db8:0007:0007::77",
    ])
      statuses.push((await call(MISSING, { env: anonymous, headers: from(address) })).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
    expect((await call(MISSING, { env: anonymous, headers: from("2001:db8:7:8::1") })).status).toBe(404);
  });

  it("when local, keys on nothing the client sends: a CF-Connecting-IP of its choosing changes nothing", async () => {
    const local = { ANONYMOUS_TIER: "local" } as const;
    const upload = await call("/v1/uploads", {
      env: local,
      headers: from("203.0.113.1"),
      json: { content_type: "image/png", content_length: 64 },
    });
    expect(upload.status).toBe(201);
    const { upload_id } = (await upload.json()) as { upload_id: string };
    // Another claimed address is the same client: the same tenant (the upload is found), the same limit.
    const seen = async (env: typeof local | typeof anonymous, address: string) => {
      const created = await call("/v1/translations", {
        env,
        headers: from(address),
        json: { upload_id, direction: "A2B" },
      });
      const problem = created.ok ? undefined : ((await created.json()) as { detail?: string });
      expect(created.status).not.toBe(429);
      return !problem?.detail?.startsWith("no upload");
    };
    expect([await seen(local, "203.0.113.2"), await seen(local, "203.0.113.3")]).toEqual([true, true]);
    expect(await seen(anonymous, "203.0.113.2")).toBe(false); // where the header is trusted, it is another tenant
    expect([await seen(local, "203.0.113.4"), await seen(local, "203.0.113.5")]).toEqual([true, true]);
    expect((await call(MISSING, { env: local, headers: from("198.18.0.1") })).status).toBe(429);
  });

  it("when on, still refuses a bad key rather than falling back to anonymous", async () => {
    await expectProblem(
      await call(MISSING, { env: anonymous, headers: { authorization: "Bearer nope" } }),
      401,
    );
  });
});
