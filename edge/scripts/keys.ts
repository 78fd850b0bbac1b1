/**
 * @module API keys on the edge's D1 database from Node: create, revoke, list, locally (what `wrangler dev
 * --local` reads) or on the deployed database. `npm start` and the `keys` command use these.
 */
import { type ApiKeyRecord, newApiKey, type Scope } from "../src/keys/api-key.ts";
import { keyStatements } from "../src/keys/key-statements.ts";
import { type D1Target, executeD1 } from "./wrangler-d1.ts";

/**
 * Creates a key for `tenant`; the key is in the result and nowhere else.
 *
 * @example
 * const { key } = await createKey("dev", undefined, { persistTo: ".local/wrangler" });
 */
export async function createKey(
  tenant: string,
  scopes: readonly Scope[] | undefined,
  target: D1Target = {},
): Promise<{ key: string; record: ApiKeyRecord }> {
  const created = await newApiKey(tenant, scopes);
  await executeD1(keyStatements.insert(created.record), target);
  return created;
}

/** Revokes by key id or by the whole key; false when no such unrevoked key exists. */
export async function revokeKey(idOrKey: string, target: D1Target = {}): Promise<boolean> {
  const id = /^ugk_([0-9a-f]{16})_/.exec(idOrKey)?.[1] ?? idOrKey;
  if (!/^[0-9a-f]{16}$/.test(id)) throw new Error(`${idOrKey} is neither a key nor a key id`);
  await executeD1(keyStatements.revoke(id, new Date().toISOString()), target);
  const [row] = await executeD1(keyStatements.find(id), target);
  return row !== undefined && row.revoked_at !== null;
}

export type KeyListing = Omit<ApiKeyRecord, "key_hash">;

export async function listKeys(target: D1Target = {}, tenant?: string): Promise<KeyListing[]> {
  return (await executeD1(keyStatements.list(tenant), target)) as unknown as KeyListing[];
}
