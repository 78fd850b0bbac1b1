import { describe, expect, it } from "vitest";
import { apiKeyId, hashApiKey, newApiKey } from "./api-key.ts";
import { inlineStatement, keyStatements } from "./key-statements.ts";

describe("API keys", () => {
  it("are ugk_<id>_<secret>, stored as the SHA-256 of the whole key", async () => {
    const { key, record } = await newApiKey("acme", ["write", "read", "write"]);
    expect(key).toMatch(/^ugk_[0-9a-f]{16}_[0-9a-f]{64}$/);
    expect(apiKeyId(key)).toBe(record.id);
    expect(record).toMatchObject({ tenant: "acme", scopes: "write read", revoked_at: null });
    expect(record.key_hash).toBe(await hashApiKey(key));
    expect(JSON.stringify(record)).not.toContain(key.slice(-64));
    expect((await newApiKey("acme")).key).not.toBe(key);
  });

  it("refuse malformed keys and tenants", async () => {
    expect(apiKeyId("ugk_short_abc")).toBeNull();
    expect(apiKeyId(`ugk_0123456789abcdef_${"a".repeat(64)}x`)).toBeNull();
    await expect(newApiKey("Has Spaces")).rejects.toThrow(/tenant/);
    await expect(newApiKey("anon-1234")).rejects.toThrow(/anonymous tier/);
  });
});

describe("statements inlined for wrangler d1 execute", () => {
  it("quote every value as an SQLite literal", () => {
    expect(inlineStatement({ sql: "SELECT ?, ?, ?", params: ["it's", 3, null] })).toBe(
      "SELECT 'it''s', 3, NULL",
    );
    expect(inlineStatement(keyStatements.revoke("0123456789abcdef", "2026-01-01T00:00:00.000Z"))).toBe(
      "UPDATE api_keys SET revoked_at = '2026-01-01T00:00:00.000Z' WHERE id = '0123456789abcdef' AND revoked_at IS NULL",
    );
  });

  it("refuse a count of values that does not match the placeholders", () => {
    expect(() => inlineStatement({ sql: "SELECT ?", params: [] })).toThrow(/placeholders/);
    expect(() => inlineStatement({ sql: "SELECT ?", params: [1, 2] })).toThrow(/1 placeholders for 2/);
  });
});
