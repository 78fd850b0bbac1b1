/**
 * The Cron Trigger's sweeper against the real queue and worker: jobs left running by an edge invocation that
 * ended early, and jobs whose queue message never came, end (succeeded through a retry, or failed with the
 * reason) instead of staying stuck.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  call,
  expectProblem,
  image,
  jobRecordFor,
  newKey,
  runCron,
  uniqueTenant,
  uploadImage,
  waitForJob,
} from "../../test/workerd/api.ts";
import { requestFingerprint } from "../translations/idempotency.ts";
import { findJobById, insertJob, type JobRecord } from "../translations/job-store.ts";
import { type TranslationJob, TranslationRequest } from "../translations/schemas.ts";

const MINUTE = 60_000;

/** A job as an edge invocation leaves it: `state` says how long ago it was created, started or queued. */
async function strandedJob(state: {
  status: "running" | "queued";
  createdMinutesAgo: number;
  idempotencyKey?: string;
}): Promise<{ job: JobRecord; key: string; request: Record<string, unknown> }> {
  const tenant = uniqueTenant();
  const key = await newKey(tenant);
  const upload = await uploadImage(key, image());
  const request = TranslationRequest.parse({ upload_id: upload.upload_id, direction: "A2B" });
  const { upload_id: _, ...options } = request;
  const created = new Date(Date.now() - state.createdMinutesAgo * MINUTE);
  const job = {
    ...(await jobRecordFor(tenant, upload, "sweeper-test", options, created)),
    status: state.status,
    attempts: state.status === "running" ? 1 : 0,
    started_at: state.status === "running" ? created.toISOString() : null,
  };
  const idempotency = state.idempotencyKey
    ? { key: state.idempotencyKey, fingerprint: await requestFingerprint(request) }
    : undefined;
  expect(await insertJob(env.DB, job, idempotency)).toBe(true);
  return { job, key, request };
}

describe("the sweeper", () => {
  it("retries a synchronous job whose edge invocation ended mid-attempt; DELETE then works", async () => {
    // the tests' lease: 60 s wait + 30 s; 2 minutes in, the attempt is long abandoned
    const { job, key } = await strandedJob({ status: "running", createdMinutesAgo: 2 });
    await expectProblem(await call(`/v1/translations/${job.id}`, { key, method: "DELETE" }), 409);

    await runCron();
    const finished = await waitForJob(job.id);
    expect(finished).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(JSON.parse(finished.last_error ?? "{}")).toMatchObject({
      type: "https://ugatit.dev/problems/attempt-abandoned",
      detail: expect.stringMatching(/^the attempt started at .* stopped answering; its 90 s lease ran out$/),
    });
    expect((await call(`/v1/translations/${job.id}`, { key, method: "DELETE" })).status).toBe(204);
  });

  it("fails a stranded job past its retry budget with the reason; its Idempotency-Key replays the end", async () => {
    const { job, key, request } = await strandedJob({
      status: "running",
      createdMinutesAgo: 20,
      idempotencyKey: "stuck-1",
    });
    await runCron();
    const failed = await findJobById(env.DB, job.id);
    expect(failed?.status).toBe("failed");
    expect(JSON.parse(failed?.error ?? "{}")).toEqual({
      type: "https://ugatit.dev/problems/attempt-abandoned",
      title: "Translation failed after retries",
      detail: expect.stringMatching(
        /^gave up after 1 attempt; the last: the attempt started at .* lease ran out$/,
      ),
    });
    const replay = await call("/v1/translations", {
      key,
      headers: { "idempotency-key": "stuck-1" },
      json: request,
    });
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect((await replay.json()) as TranslationJob).toMatchObject({ id: job.id, status: "failed" });
    expect((await call(`/v1/translations/${job.id}`, { key, method: "DELETE" })).status).toBe(204);
  });

  it("queues again a job whose queue message never came, and it runs", async () => {
    const { job } = await strandedJob({ status: "queued", createdMinutesAgo: 11 }); // grace: 10 minutes
    await runCron();
    const finished = await waitForJob(job.id);
    expect(finished.status).toBe("succeeded");
    expect(JSON.parse(finished.last_error ?? "{}")).toMatchObject({
      type: "https://ugatit.dev/problems/queue-message-lost",
      detail: expect.stringMatching(/^its queue message, due at .*, was not taken within 600 s$/),
    });
  });

  it("fails a job whose message never came once the retry budget is spent", async () => {
    const { job } = await strandedJob({ status: "queued", createdMinutesAgo: 16 });
    await runCron();
    const failed = await findJobById(env.DB, job.id);
    expect(failed?.status).toBe("failed");
    expect(JSON.parse(failed?.error ?? "{}")).toMatchObject({
      type: "https://ugatit.dev/problems/queue-message-lost",
      detail: expect.stringMatching(/^gave up after 0 attempts; the last: its queue message/),
    });
  });

  it("leaves alone a job within its lease and a queued one whose message is on its way", async () => {
    const running = await strandedJob({ status: "running", createdMinutesAgo: 1 });
    const waiting = await strandedJob({ status: "queued", createdMinutesAgo: 9 });
    await runCron();
    expect(await findJobById(env.DB, running.job.id)).toMatchObject({ status: "running", last_error: null });
    expect(await findJobById(env.DB, waiting.job.id)).toMatchObject({ status: "queued", last_error: null });
  });
});
