/** @module The api_keys table through D1. */
import { type ApiKeyRecord, newApiKey, type Scope } from "./api-key.ts";
import { keyStatements, type Statement } from "./key-statements.ts";

function prepare(db: D1Database, { sql, params }: Statement): D1PreparedStatement {
  return db.prepare(sql).bind(...params);
}

/**
 * Creates and stores a key for `tenant`; resolves with the key, which is not kept anywhere.
 *
 * @example
 * const { key } = await createApiKey(env.DB, "acme");
 */
export async function createApiKey(
  db: D1Database,
  tenant: string,
  scopes?: readonly Scope[],
): Promise<{ key: string; record: ApiKeyRecord }> {
  const created = await newApiKey(tenant, scopes);
  await prepare(db, keyStatements.insert(created.record)).run();
  return created;
}

/** True when the key existed and was not yet revoked. */
export async function revokeApiKey(db: D1Database, id: string, now = new Date()): Promise<boolean> {
  const result = await prepare(db, keyStatements.revoke(id, now.toISOString())).run();
  return result.meta.changes > 0;
}

export function findApiKey(db: D1Database, id: string): Promise<ApiKeyRecord | null> {
  return prepare(db, keyStatements.find(id)).first<ApiKeyRecord>();
}
