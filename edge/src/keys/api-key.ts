/**
 * @module API keys: `ugk_<id>_<secret>`, where the id finds the key's row and only the SHA-256 of the whole
 * key is stored. Web Crypto only, so the Worker and the `keys` script share it.
 */
import { z } from "zod";
import { sha256Hex, toHex } from "../security/digest.ts";

export const Scope = z.enum(["read", "write"]);
export type Scope = z.infer<typeof Scope>;
export const ALL_SCOPES: readonly Scope[] = Scope.options;

/** Tenants name object-key prefixes, so they are short and path-safe; `anon-` is the anonymous tier's. */
export const Tenant = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    "a tenant is 1–63 lower-case letters, digits, _ or -, starting alphanumeric",
  )
  .refine((t) => !t.startsWith("anon-"), "tenants starting with anon- belong to the anonymous tier");

const KEY_PATTERN = /^ugk_([0-9a-f]{16})_([0-9a-f]{64})$/;

function randomHex(bytes: number): string {
  return toHex(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A row of the api_keys table. */
export interface ApiKeyRecord {
  id: string;
  tenant: string;
  key_hash: string;
  scopes: string;
  created_at: string;
  revoked_at: string | null;
}

/** Hex SHA-256 of the whole key, as stored. */
export function hashApiKey(key: string): Promise<string> {
  return sha256Hex(key);
}

/** The id part of a well-formed key, else null. */
export function apiKeyId(key: string): string | null {
  return KEY_PATTERN.exec(key)?.[1] ?? null;
}

/**
 * A new key and the row that stores it; the key itself is shown once and never stored.
 *
 * @example
 * const { key, record } = await newApiKey("acme", ["read", "write"]);
 */
export async function newApiKey(
  tenant: string,
  scopes: readonly Scope[] = ALL_SCOPES,
  now = new Date(),
): Promise<{ key: string; record: ApiKeyRecord }> {
  const id = randomHex(8);
  const key = `ugk_${id}_${randomHex(32)}`;
  return {
    key,
    record: {
      id,
      tenant: Tenant.parse(tenant),
      key_hash: await hashApiKey(key),
      scopes: [...new Set(scopes.map((s) => Scope.parse(s)))].join(" "),
      created_at: now.toISOString(),
      revoked_at: null,
    },
  };
}
