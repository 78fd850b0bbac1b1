import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { readImageHeader } from "@ugatit/contracts/image";
import { describe, expect, inject, it } from "vitest";
import {
  call,
  expectProblem,
  image,
  jobRecordFor,
  newKey,
  uniqueTenant,
  uploadImage,
  waitForJob,
} from "../../test/workerd/api.ts";
import worker from "../index.ts";
import type { Upload } from "../uploads/schemas.ts";
import { findJobById, insertJob } from "./job-store.ts";
import type { TranslationJob } from "./schemas.ts";

/** cam_logit of the parity input through light64 A2B, computed by the official PyTorch code. */
const PARITY_CAM_LOGIT = [0.3405274748802185, -1.6438449621200562];

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  expect(r.status, url).toBe(200);
  return new Uint8Array(await r.arrayBuffer());
}

async function jobOf(r: Response): Promise<TranslationJob> {
  return (await r.json()) as TranslationJob;
}

describe("synchronous translations (Prefer: wait=N)", () => {
  it("answer the finished job with presigned URLs of a real result", async () => {
    const key = await newKey();
    const upload = await uploadImage(key, image("png"));
    const r = await call("/v1/translations", {
      key,
      headers: { prefer: "wait=30", "x-request-id": "sync-trace-0001" },
      json: { upload_id: upload.upload_id, direction: "A2B" },
    });
    expect(r.status, await r.clone().text()).toBe(200);
    expect(r.headers.get("preference-applied")).toBe("wait=30");
    expect(r.headers.get("x-request-id")).toBe("sync-trace-0001");
    const job = await jobOf(r);
    expect(r.headers.get("location")).toBe(`/v1/translations/${job.id}`);
    expect(job).toMatchObject({ status: "succeeded", direction: "A2B", model: "light@1", error: null });
    expect(Object.keys(job).sort()).toEqual(
      [
        "completed_at",
        "compose",
        "created_at",
        "direction",
        "error",
        "framing",
        "id",
        "model",
        "output",
        "started_at",
        "status",
        "webhook",
      ].sort(),
    );
    expect(job.output?.cam_logit[0]).toBeCloseTo(PARITY_CAM_LOGIT[0] as number, 4);
    expect(job.output?.cam_logit[1]).toBeCloseTo(PARITY_CAM_LOGIT[1] as number, 4);
    expect(readImageHeader(await fetchBytes(job.output!.image_url))).toEqual({
      format: "png",
      width: 64,
      height: 64,
    });
    expect(readImageHeader(await fetchBytes(job.output!.heatmap_url!))).toEqual({
      format: "png",
      width: 64,
      height: 64,
    });
    expect(new URL(job.output!.image_url).searchParams.get("X-Amz-Expires")).toBe("300");
    expect(Date.parse(job.completed_at!)).toBeGreaterThanOrEqual(Date.parse(job.started_at!));
    // the worker logged the request id it was given
    const logs = await (await fetch(inject("workerLogsUrl"))).text();
    expect(
      logs.split("\n").find((l) => l.includes("sync-trace-0001") && l.includes("/v1/infer")),
    ).toBeTruthy();
  });

  it("caps the wait at 60 seconds and honours the format and outputs asked for", async () => {
    const key = await newKey();
    const upload = await uploadImage(key, image("jpeg"), "image/jpeg");
    const r = await call("/v1/translations", {
      key,
      headers: { prefer: "wait=600" },
      json: { upload_id: upload.upload_id, direction: "B2A", outputs: ["image"], format: "webp" },
    });
    expect(r.headers.get("preference-applied")).toBe("wait=60");
    const job = await jobOf(r);
    expect(job.status).toBe("succeeded");
    expect(job.output?.heatmap_url).toBeNull();
    expect(readImageHeader(await fetchBytes(job.output!.image_url)).format).toBe("webp");
  });

  it("end a job the worker refuses (4xx) as failed at once, with the worker's reason", async () => {
    const key = await newKey();
    const upload = await uploadImage(key, image());
    const r = await call("/v1/translations", {
      key,
      headers: { prefer: "wait=20" },
      json: { upload_id: upload.upload_id, direction: "A2B", model: "nope@1" },
    });
    expect(r.status).toBe(200);
    const job = await jobOf(r);
    expect(job).toMatchObject({ status: "failed", output: null, model: "nope@1" });
    expect(job.error).toEqual({
      type: "https://ugatit.dev/problems/translation-refused",
      title: "Unknown model",
      detail: "no model nope@1; this worker has light@1, full@1",
    });
    expect((await findJobById(env.DB, job.id))?.attempts).toBe(1);
  });
});

describe("asynchronous translations", () => {
  it("answer 202 with Location, and the queue consumer runs the job to a real result", async () => {
    const key = await newKey();
    const upload = await uploadImage(key, image("png"));
    const r = await call("/v1/translations", {
      key,
      json: { upload_id: upload.upload_id, direction: "A2B" },
    });
    expect(r.status).toBe(202);
    expect(r.headers.get("retry-after")).toBe("1");
    const accepted = await jobOf(r);
    expect(accepted).toMatchObject({
      status: "queued",
      output: null,
      error: null,
      started_at: null,
      model: "light@1",
    });
    await waitForJob(accepted.id);
    const done = await jobOf(await call(r.headers.get("location")!, { key }));
    expect(done.status).toBe("succeeded");
    expect(done.output?.cam_logit[0]).toBeCloseTo(PARITY_CAM_LOGIT[0] as number, 4);
    expect(readImageHeader(await fetchBytes(done.output!.image_url)).width).toBe(64);
  });

  it("translate an image sent as the body, with options in the query", async () => {
    const key = await newKey();
    const r = await call("/v1/translations?direction=A2B&outputs=image&format=jpeg&resize=crop", {
      key,
      method: "POST",
      body: image("jpeg"),
      headers: { "content-type": "image/jpeg" },
    });
    expect(r.status, await r.clone().text()).toBe(202);
    const { id } = await jobOf(r);
    expect((await waitForJob(id)).status).toBe("succeeded");
    const job = await jobOf(await call(`/v1/translations/${id}`, { key }));
    expect(job.output?.heatmap_url).toBeNull();
    expect(readImageHeader(await fetchBytes(job.output!.image_url)).format).toBe("jpeg");
  });
});

describe("Idempotency-Key", () => {
  it("gives the same job for the same key and body, and 409 for another body", async () => {
    const key = await newKey();
    const upload = await uploadImage(key, image());
    const body = { upload_id: upload.upload_id, direction: "A2B" };
    const headers = { "idempotency-key": "order-42" };
    const first = await call("/v1/translations", { key, headers, json: body });
    expect(first.status).toBe(202);
    const { id } = await jobOf(first);
    const again = await call("/v1/translations", {
      key,
      headers,
      // the same request, its fields in another order and a default spelled out
      json: { direction: "A2B", format: "png", upload_id: upload.upload_id },
    });
    expect([200, 202]).toContain(again.status);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await jobOf(again)).id).toBe(id);
    const conflict = await call("/v1/translations", { key, headers, json: { ...body, direction: "B2A" } });
    expect((await expectProblem(conflict, 409)).type).toBe(
      "https://ugatit.dev/problems/idempotency-conflict",
    );
    expect(
      await env.DB.prepare("SELECT COUNT(*) AS n FROM jobs WHERE upload_id = ?")
        .bind(upload.upload_id)
        .first("n"),
    ).toBe(1);
    // keys belong to their tenant: another tenant may use the same one
    const other = await newKey();
    const otherUpload = await uploadImage(other, image());
    const theirs = await call("/v1/translations", {
      key: other,
      headers,
      json: { ...body, upload_id: otherUpload.upload_id },
    });
    expect(theirs.status).toBe(202);
  });

  it("replays an image body by its bytes, and keeps one copy", async () => {
    const tenant = uniqueTenant();
    const key = await newKey(tenant);
    const send = (bytes: Uint8Array) =>
      call("/v1/translations?direction=A2B", {
        key,
        method: "POST",
        body: bytes,
        headers: { "content-type": "image/png", "idempotency-key": "img-1" },
      });
    const first = await jobOf(await send(image("png")));
    const again = await send(image("png"));
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await jobOf(again)).id).toBe(first.id);
    await expectProblem(await send(image("png").subarray(0, 500)), 409);
    expect(
      await env.DB.prepare("SELECT COUNT(*) AS n FROM uploads WHERE tenant = ?").bind(tenant).first("n"),
    ).toBe(1);
  });
});

describe("GET and DELETE /v1/translations/{id}", () => {
  async function queuedJob(tenant: string, upload: Upload, status: "queued" | "running" = "queued") {
    const job = await jobRecordFor(tenant, upload, "test");
    await insertJob(env.DB, {
      ...job,
      status,
      started_at: status === "running" ? new Date().toISOString() : null,
    });
    return job;
  }

  it("cancels a queued job, which the consumer then skips", async () => {
    const tenant = uniqueTenant();
    const key = await newKey(tenant);
    const upload = await uploadImage(key, image());
    const job = await queuedJob(tenant, upload);
    const r = await call(`/v1/translations/${job.id}`, { key, method: "DELETE" });
    expect(r.status).toBe(200);
    expect(await jobOf(r)).toMatchObject({ id: job.id, status: "canceled", output: null });
    const batch = createMessageBatch("ugatit-jobs", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { job_id: job.id, request_id: "test" } },
    ]);
    await worker.queue(batch, env);
    expect(await getQueueResult(batch, createExecutionContext())).toMatchObject({
      explicitAcks: ["m1"],
      retryMessages: [],
    });
    expect((await findJobById(env.DB, job.id))?.status).toBe("canceled");
    // the upload is still there for another translation
    expect(
      (await call("/v1/translations", { key, json: { upload_id: upload.upload_id, direction: "A2B" } }))
        .status,
    ).toBe(202);
  });

  it("refuses to delete a running job with 409", async () => {
    const tenant = uniqueTenant();
    const key = await newKey(tenant);
    const job = await queuedJob(tenant, await uploadImage(key, image()), "running");
    const r = await call(`/v1/translations/${job.id}`, { key, method: "DELETE" });
    await expectProblem(r, 409);
    expect(r.headers.get("retry-after")).toBe("5");
  });

  it("deletes a finished job and its outputs", async () => {
    const key = await newKey();
    const upload = await uploadImage(key, image());
    const done = await jobOf(
      await call("/v1/translations", {
        key,
        headers: { prefer: "wait=30" },
        json: { upload_id: upload.upload_id, direction: "A2B" },
      }),
    );
    expect(done.status).toBe("succeeded");
    const r = await call(`/v1/translations/${done.id}`, { key, method: "DELETE" });
    expect(r.status).toBe(204);
    expect((await fetch(done.output!.image_url)).status).toBe(404);
    expect((await fetch(done.output!.heatmap_url!)).status).toBe(404);
    await expectProblem(await call(`/v1/translations/${done.id}`, { key }), 404);
  });

  it("answers 404 for an unknown id", async () => {
    await expectProblem(await call("/v1/translations/nope", { key: await newKey() }), 404);
  });
});

describe("POST /v1/translations refuses", () => {
  it.each([
    ["no body", {}, 415],
    ["an unknown upload", { json: { upload_id: "01JD0000000000000000000000", direction: "A2B" } }, 404],
    ["a bad direction", { json: { upload_id: "x", direction: "C2D" } }, 400],
    ["outputs without the image", { json: { upload_id: "x", direction: "A2B", outputs: ["heatmap"] } }, 400],
    ["a malformed model", { json: { upload_id: "x", direction: "A2B", model: "Bad Model!" } }, 400],
    ["text", { body: "hello", headers: { "content-type": "text/plain" } }, 415],
  ])("%s", async (_, init, status) => {
    await expectProblem(
      await call("/v1/translations", { key: await newKey(), method: "POST", ...init }),
      status,
    );
  });
});
