/**
 * @module The api_keys table's statements: SQL with `?` parameters, run through D1 by the Worker and inlined
 * for `wrangler d1 execute` by the `keys` script, so both use the same SQL. No Workers types: Node runs it too.
 */
import type { ApiKeyRecord } from "./api-key.ts";

export type SqlValue = string | number | null;

export interface Statement {
  sql: string;
  params: SqlValue[];
}

export const keyStatements = {
  insert: (r: ApiKeyRecord): Statement => ({
    sql: "INSERT INTO api_keys (id, tenant, key_hash, scopes, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)",
    params: [r.id, r.tenant, r.key_hash, r.scopes, r.created_at, r.revoked_at],
  }),
  /** By id; revoking twice keeps the first time. */
  revoke: (id: string, at: string): Statement => ({
    sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
    params: [at, id],
  }),
  find: (id: string): Statement => ({
    sql: "SELECT id, tenant, key_hash, scopes, created_at, revoked_at FROM api_keys WHERE id = ?",
    params: [id],
  }),
  list: (tenant?: string): Statement =>
    tenant === undefined
      ? {
          sql: "SELECT id, tenant, scopes, created_at, revoked_at FROM api_keys ORDER BY created_at",
          params: [],
        }
      : {
          sql: "SELECT id, tenant, scopes, created_at, revoked_at FROM api_keys WHERE tenant = ? ORDER BY created_at",
          params: [tenant],
        },
};

/** The statement as one SQL string, values quoted as SQLite literals. */
export function inlineStatement({ sql, params }: Statement): string {
  let i = 0;
  const text = sql.replace(/\?/g, () => literal(params[i++]));
  if (i !== params.length) throw new Error(`statement has ${i} placeholders for ${params.length} values`);
  return text;
}

function literal(value: SqlValue | undefined): string {
  if (value === undefined) throw new Error("statement has more placeholders than values");
  if (value === null) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot inline ${value}`);
    return String(value);
  }
  return `'${value.replace(/'/g, "''")}'`;
}
