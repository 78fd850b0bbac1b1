/** GET /v1/translations: the tenant's jobs, newest first, in pages behind an opaque cursor. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  call,
  expectProblem,
  image,
  jobRecordFor,
  newKey,
  uniqueTenant,
  uploadImage,
} from "../../test/workerd/api.ts";
import { insertJob } from "./job-store.ts";
import type { TranslationList } from "./schemas.ts";

/** `count` finished jobs of a fresh tenant, a second apart; their ids, oldest first. */
async function tenantWithJobs(count: number): Promise<{ key: string; ids: string[] }> {
  const tenant = uniqueTenant();
  const key = await newKey(tenant);
  const upload = await uploadImage(key, image());
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const job = await jobRecordFor(
      tenant,
      upload,
      "list-test",
      {},
      new Date(Date.now() - (count - i) * 1000),
    );
    await insertJob(env.DB, { ...job, status: "canceled", completed_at: job.created_at });
    ids.push(job.id);
  }
  return { key, ids };
}

async function page(key: string, query: string): Promise<TranslationList> {
  const r = await call(`/v1/translations${query}`, { key });
  expect(r.status, await r.clone().text()).toBe(200);
  return (await r.json()) as TranslationList;
}

describe("GET /v1/translations", () => {
  it("lists the tenant's jobs newest first, page by page, and only theirs", async () => {
    const mine = await tenantWithJobs(5);
    await tenantWithJobs(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    do {
      const p: TranslationList = await page(mine.key, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...p.items.map((j) => j.id));
      sizes.push(p.items.length);
      cursor = p.next_cursor;
      if (cursor) expect(cursor).not.toContain(p.items.at(-1)?.id ?? "-"); // opaque, not the id itself
    } while (cursor);
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual([...mine.ids].reverse());
  });

  it("shows each job as GET /v1/translations/{id} does, 20 by default", async () => {
    const { key, ids } = await tenantWithJobs(1);
    const list = await page(key, "");
    expect(list.next_cursor).toBeNull();
    const one = await (await call(`/v1/translations/${ids[0]}`, { key })).json();
    expect(list.items).toEqual([one]);
    expect((await page((await tenantWithJobs(21)).key, "")).items).toHaveLength(20);
  });

  it("answers an empty list for a tenant without jobs", async () => {
    expect(await page(await newKey(), "")).toEqual({ items: [], next_cursor: null });
  });

  it.each([
    ["?limit=0", "limit"],
    ["?limit=101", "limit"],
    ["?limit=ten", "limit"],
    ["?cursor=not-a-cursor", "cursor"],
    [`?cursor=${btoa("j:../../etc")}`, "cursor"],
  ])("refuses %s with 400 naming %s", async (query, field) => {
    const problem = await expectProblem(await call(`/v1/translations${query}`, { key: await newKey() }), 400);
    expect(problem.invalid_params).toEqual([expect.objectContaining({ name: field })]);
  });
});
