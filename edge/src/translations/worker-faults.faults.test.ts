/**
 * The edge when the GPU worker fails, for real: here WORKER_URL is a worker whose storage is gone (every
 * inference answers 503); a port where nothing listens, a server that never answers and a worker slower
 * than the edge's deadline stand in for the other faults.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it, vi } from "vitest";
import {
  call,
  expectProblem,
  image,
  jobRecordFor,
  newKey,
  uniqueTenant,
  uploadImage,
  type VarOverrides,
  waitForJob,
} from "../../test/workerd/api.ts";
import worker from "../index.ts";
import type { JobMessage } from "./job-queue.ts";
import { findJobById, insertJob, type JobRecord } from "./job-store.ts";
import type { TranslationJob } from "./schemas.ts";

async function translate(key: string, headers: Record<string, string> = {}, overrides?: VarOverrides) {
  const upload = await uploadImage(key, image());
  const r = await call("/v1/translations", {
    key,
    headers,
    json: { upload_id: upload.upload_id, direction: "A2B" },
    ...(overrides ? { env: overrides } : {}),
  });
  return { r, upload, job: (await r.json()) as TranslationJob };
}

describe("a worker answering 503, through the real queue", () => {
  it("is retried with backoff, then dead-lettered: the job fails with the last error and the upload stays", async () => {
    const key = await newKey();
    const { r, upload, job } = await translate(key);
    expect(r.status).toBe(202);
    const failed = await waitForJob(job.id, (j) => j.status === "failed", 45_000);
    expect(failed.attempts).toBe(3); // max_retries 2 in the tests
    const shown = (await (await call(`/v1/translations/${job.id}`, { key })).json()) as TranslationJob;
    expect(shown).toMatchObject({ status: "failed", output: null });
    expect(shown.error).toEqual({
      type: "https://ugatit.dev/problems/worker-error",
      title: "Translation failed after retries",
      detail: expect.stringMatching(
        /^gave up after 3 attempts; the last: the GPU worker answered 503: Storage unavailable \(request [\w-]+\)$/,
      ),
    });
    // the upload is intact: the same image can be translated again
    const again = await call("/v1/translations", {
      key,
      json: { upload_id: upload.upload_id, direction: "A2B" },
    });
    expect(again.status).toBe(202);
  });

  it("with Prefer: wait, answers 202 rather than the error, and leaves the job to the queue", async () => {
    const started = Date.now();
    const { r, job } = await translate(await newKey(), { prefer: "wait=20" });
    expect(r.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(job).toMatchObject({ status: "queued", error: null });
    const row = await findJobById(env.DB, job.id);
    expect(row?.attempts).toBeGreaterThanOrEqual(1);
    expect(row?.last_error).toMatch(/answered 503/);
  });
});

describe("a worker that is down", () => {
  const down = () => ({ WORKER_URL: inject("downWorkerUrl") });

  it("makes a synchronous call answer 202 at once", async () => {
    const started = Date.now();
    const { r } = await translate(await newKey(), { prefer: "wait=20" }, down());
    expect(r.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("makes GET /v1/models answer 503 with Retry-After", async () => {
    const r = await call("/v1/models", { key: await newKey(), env: down() });
    const { detail, request_id } = await expectProblem(r, 503);
    expect(detail).toBe(`the GPU worker could not be reached (request ${request_id})`);
    expect(r.headers.get("retry-after")).toBe("5");
  });
});

describe("the queue consumer, one delivery at a time", () => {
  async function queuedJob(): Promise<JobRecord> {
    const tenant = uniqueTenant();
    const upload = await uploadImage(await newKey(tenant), image());
    const job = await jobRecordFor(tenant, upload, "consumer-test");
    await insertJob(env.DB, job);
    return job;
  }

  async function deliver(queue: string, job: JobRecord, attempt: number, overrides: VarOverrides) {
    const batch = createMessageBatch<JobMessage>(queue, [
      {
        id: `m${attempt}`,
        timestamp: new Date(),
        attempts: attempt,
        body: { job_id: job.id, request_id: "consumer-test" },
      },
    ]);
    const retry = vi.spyOn(batch.messages[0]!, "retry");
    await worker.queue(batch, { ...env, ...overrides });
    return {
      ...(await getQueueResult(batch, createExecutionContext())),
      retriedWith: retry.mock.calls.map(([options]) => options),
    };
  }

  it.each([
    ["down (nothing listens)", () => ({ WORKER_URL: inject("downWorkerUrl") }), /could not be reached/],
    [
      "hung (never answers)",
      () => ({ WORKER_URL: inject("hungWorkerUrl"), WORKER_TIMEOUT_MS: "1000" }),
      /did not answer within 2000 ms/,
    ],
    [
      "slow (past its deadline)",
      () => ({ WORKER_URL: inject("slowWorkerUrl"), WORKER_TIMEOUT_MS: "1000" }),
      /answered 504: Deadline exceeded/,
    ],
  ])(
    "retries a worker %s with growing delays; the dead-letter consumer then fails the job",
    async (_, overrides, reason) => {
      const job = await queuedJob();
      for (const attempt of [1, 2, 3]) {
        const result = await deliver("ugatit-jobs", job, attempt, overrides());
        expect(result.retryMessages).toEqual([{ msgId: `m${attempt}` }]);
        // RETRY_BASE_DELAY_SECONDS 1: 2^(attempt − 1) s, of which up to half is taken off at random
        const [delay] = result.retriedWith.map((o) => o?.delaySeconds ?? 0);
        expect(delay).toBeLessThanOrEqual(2 ** (attempt - 1));
        expect(delay).toBeGreaterThanOrEqual(Math.ceil(2 ** (attempt - 2)));
        const row = await findJobById(env.DB, job.id);
        expect(row).toMatchObject({ status: "queued", attempts: attempt, error: null });
        expect(row?.last_error).toMatch(reason);
      }
      const dead = await deliver("ugatit-jobs-dlq", job, 1, overrides());
      expect(dead.explicitAcks).toEqual(["m1"]);
      const failed = await findJobById(env.DB, job.id);
      expect(failed?.status).toBe("failed");
      expect(JSON.parse(failed?.error ?? "{}").detail).toMatch(/^gave up after 3 attempts; the last: /);
      expect(JSON.parse(failed?.error ?? "{}").detail).toMatch(reason);
    },
  );

  it("retries a worker still loading its models (404 unknown model, /readyz 503) after its Retry-After", async () => {
    const job = await queuedJob();
    const result = await deliver("ugatit-jobs", job, 1, { WORKER_URL: inject("loadingWorkerUrl") });
    expect(result.retryMessages).toEqual([{ msgId: "m1" }]);
    expect(result.retriedWith).toEqual([{ delaySeconds: 7 }]);
    const row = await findJobById(env.DB, job.id);
    expect(row).toMatchObject({ status: "queued", attempts: 1, error: null });
    expect(JSON.parse(row?.last_error ?? "{}")).toMatchObject({
      type: "https://ugatit.dev/problems/worker-loading",
      detail: "the GPU worker is still loading its models",
    });
    expect(Date.parse(row?.due_at ?? "") - Date.now()).toBeGreaterThan(5_000);
  });

  it("waits as long as a full worker's Retry-After asks, past the usual backoff", async () => {
    const job = await queuedJob();
    const result = await deliver("ugatit-jobs", job, 1, { WORKER_URL: inject("busyWorkerUrl") });
    expect(result.retriedWith).toEqual([{ delaySeconds: 30 }]);
    expect(await findJobById(env.DB, job.id)).toMatchObject({ status: "queued", attempts: 1 });
  });

  it("fails the job, saying why, once it is older than the retry budget", async () => {
    const job = await queuedJob();
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    await env.DB.prepare("UPDATE jobs SET created_at = ? WHERE id = ?").bind(hourAgo, job.id).run();
    const result = await deliver("ugatit-jobs", job, 1, {
      WORKER_URL: inject("loadingWorkerUrl"),
      RETRY_BUDGET_SECONDS: "600",
    });
    expect(result.explicitAcks).toEqual(["m1"]);
    const row = await findJobById(env.DB, job.id);
    expect(row?.status).toBe("failed");
    expect(JSON.parse(row?.error ?? "{}")).toEqual({
      type: "https://ugatit.dev/problems/worker-loading",
      title: "Translation failed after retries",
      detail: "gave up after 1 attempt; the last: the GPU worker is still loading its models",
    });
  });
});
