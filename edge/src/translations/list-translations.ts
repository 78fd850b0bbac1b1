/** @module GET /v1/translations: the tenant's jobs, newest first, a page at a time behind an opaque cursor. */
import { problems } from "../problems/api-problem.ts";
import { listJobs } from "./job-store.ts";
import { jobView } from "./job-view.ts";
import type { TranslationList } from "./schemas.ts";

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** The cursor after `id`: its base64url, so clients treat it as a token rather than build one. */
function cursorAfter(id: string): string {
  return btoa(`j:${id}`).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function idFromCursor(cursor: string): string {
  let decoded = "";
  try {
    decoded = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    // not base64: refused below
  }
  const id = decoded.startsWith("j:") ? decoded.slice(2) : "";
  if (!ULID.test(id))
    throw problems.invalidRequest("cursor: not a cursor this API gave", [
      { name: "cursor", reason: "not a cursor this API gave" },
    ]);
  return id;
}

/**
 * @example
 * const page = await listTranslations(env, tenant, { limit: 20, cursor: undefined });
 */
export async function listTranslations(
  env: Env,
  tenant: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<TranslationList> {
  const before = page.cursor === undefined ? undefined : idFromCursor(page.cursor);
  const rows = await listJobs(env.DB, tenant, page.limit + 1, before);
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: await Promise.all(items.map((job) => jobView(env, job))),
    next_cursor: rows.length > page.limit && last ? cursorAfter(last.id) : null,
  };
}
