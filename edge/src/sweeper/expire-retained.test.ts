/** Retention through the Cron Trigger: old uploads, finished jobs with their outputs, and Idempotency-Keys go. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  call,
  image,
  jobRecordFor,
  newKey,
  runCron,
  uniqueTenant,
  uploadImage,
} from "../../test/workerd/api.ts";
import { edgeConfig } from "../config/edge-config.ts";
import { objectStore } from "../storage/object-store.ts";
import { findJobById, insertJob } from "../translations/job-store.ts";
import type { TranslationJob } from "../translations/schemas.ts";
import { findUpload } from "../uploads/upload-store.ts";

const DAY_MS = 24 * 3600_000;

const exists = async (key: string) => (await objectStore(edgeConfig(env).storage).head(key)) !== null;

async function ageRows(
  table: "jobs" | "uploads" | "idempotency_keys",
  column: string,
  id: string,
  days: number,
) {
  const at = new Date(Date.now() - days * DAY_MS).toISOString();
  const idColumn = table === "idempotency_keys" ? "job_id" : "id";
  await env.DB.prepare(`UPDATE ${table} SET ${column} = ? WHERE ${idColumn} = ?`).bind(at, id).run();
}

/** A finished translation, made for real through the worker, with its Idempotency-Key. */
async function finishedJob(key: string, uploadId: string, idempotencyKey: string): Promise<TranslationJob> {
  const r = await call("/v1/translations", {
    key,
    headers: { prefer: "wait=30", "idempotency-key": idempotencyKey },
    json: { upload_id: uploadId, direction: "A2B", outputs: ["image", "heatmap"] },
  });
  const job = (await r.json()) as TranslationJob;
  expect(job.status).toBe("succeeded");
  return job;
}

describe("retention", () => {
  it("deletes a job finished longer ago than JOB_RETENTION_HOURS, its outputs and keys; keeps a recent one", async () => {
    const tenant = uniqueTenant();
    const key = await newKey(tenant);
    const upload = await uploadImage(key, image());
    const old = await finishedJob(key, upload.upload_id, "old");
    const recent = await finishedJob(key, upload.upload_id, "recent");
    await ageRows("jobs", "completed_at", old.id, 8); // the default: 7 days
    const oldRow = await findJobById(env.DB, old.id);
    expect(await exists(oldRow!.image_key)).toBe(true);

    await runCron();
    expect(await findJobById(env.DB, old.id)).toBeNull();
    expect(await exists(oldRow!.image_key)).toBe(false);
    expect(await exists(oldRow!.heatmap_key!)).toBe(false);
    const keys = await env.DB.prepare("SELECT key FROM idempotency_keys WHERE tenant = ?").bind(tenant).all();
    expect(keys.results).toEqual([{ key: "recent" }]);
    const kept = await findJobById(env.DB, recent.id);
    expect(kept?.status).toBe("succeeded");
    expect(await exists(kept!.image_key)).toBe(true);
  });

  it("forgets Idempotency-Keys after IDEMPOTENCY_KEY_HOURS, keeping their job", async () => {
    const tenant = uniqueTenant();
    const key = await newKey(tenant);
    const upload = await uploadImage(key, image());
    const job = await finishedJob(key, upload.upload_id, "a-day-old");
    await ageRows("idempotency_keys", "created_at", job.id, 1.1);
    await runCron();
    const keys = await env.DB.prepare("SELECT key FROM idempotency_keys WHERE tenant = ?").bind(tenant).all();
    expect(keys.results).toEqual([]);
    expect(await findJobById(env.DB, job.id)).not.toBeNull();
  });

  it("erases an upload older than UPLOAD_RETENTION_HOURS, unless a job still waits for it", async () => {
    const tenant = uniqueTenant();
    const key = await newKey(tenant);
    const [idle, awaited] = await Promise.all([uploadImage(key, image()), uploadImage(key, image())]);
    const idleKey = (await findUpload(env.DB, tenant, idle.upload_id))!.object_key;
    // a job that has not run yet (its message is on its way) still needs its upload
    const job = await jobRecordFor(tenant, awaited, "retention-test");
    await insertJob(env.DB, job);
    await ageRows("uploads", "created_at", idle.upload_id, 8);
    await ageRows("uploads", "created_at", awaited.upload_id, 8);

    await runCron();
    expect(await findUpload(env.DB, tenant, idle.upload_id)).toBeNull();
    expect(await exists(idleKey)).toBe(false);
    expect(await findUpload(env.DB, tenant, awaited.upload_id)).not.toBeNull();
  });
});
