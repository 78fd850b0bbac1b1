/** @module Helpers for the edge's tests inside workerd: requests to the Worker, keys, images, uploads, jobs, the cron. */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { PROBLEM_CONTENT_TYPE } from "@ugatit/contracts/protocol";
import { expect, inject } from "vitest";
import worker from "../../src/index.ts";
import type { Scope } from "../../src/keys/api-key.ts";
import { createApiKey } from "../../src/keys/key-store.ts";
import { newJobRecord } from "../../src/translations/create-translation.ts";
import { findJobById, type JobRecord } from "../../src/translations/job-store.ts";
import type { TranslationOptions } from "../../src/translations/schemas.ts";
import type { Upload } from "../../src/uploads/schemas.ts";
import { findUpload } from "../../src/uploads/upload-store.ts";

export const ORIGIN = "https://edge.test";

let tenants = 0;
/** A tenant name no other test uses. */
export function uniqueTenant(prefix = "t"): string {
  return `${prefix}-${Date.now().toString(36)}-${(tenants++).toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** A fresh API key (for a fresh tenant unless one is given). */
export async function newKey(tenant = uniqueTenant(), scopes?: Scope[]): Promise<string> {
  return (await createApiKey(env.DB, tenant, scopes)).key;
}

/** The string bindings (vars and secrets), which a test may replace. */
export type VarOverrides = { [K in keyof Env as Env[K] extends string ? K : never]?: string };

export interface CallInit extends Omit<RequestInit, "body" | "headers"> {
  key?: string;
  json?: unknown;
  body?: BodyInit | null;
  headers?: Record<string, string>;
  /** Bindings to replace for this request (the Worker's handler is called with them). */
  env?: VarOverrides;
}

/**
 * A request to the edge Worker, through its exported fetch handler, as a client would send it.
 *
 * @example
 * const r = await call("/v1/uploads", { key, json: { content_type: "image/png", content_length: 10 } });
 */
export async function call(path: string, init: CallInit = {}): Promise<Response> {
  const { key, json, env: overrides, headers = {}, ...rest } = init;
  const request = new Request(`${ORIGIN}${path}`, {
    ...rest,
    method: init.method ?? (json === undefined && init.body === undefined ? "GET" : "POST"),
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(json === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, overrides ? { ...env, ...overrides } : env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** The test picture in `format`, or a framing photo (JPEG), as bytes. */
export function image(format: "png" | "jpeg" | "webp" | "portrait" | "faceless" = "png"): Uint8Array {
  return Uint8Array.from(atob(inject("images")[format]), (c) => c.charCodeAt(0));
}

/** Asserts an RFC 9457 answer with `status` and returns its body. */
export async function expectProblem(
  response: Response,
  status: number,
): Promise<
  {
    type: string;
    title: string;
    status: number;
    detail?: string;
    request_id: string;
    instance: string;
  } & Record<string, unknown>
> {
  expect(response.status, await response.clone().text()).toBe(status);
  expect(response.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
  const body = (await response.json()) as Awaited<ReturnType<typeof expectProblem>>;
  expect(body).toMatchObject({
    status,
    type: expect.stringMatching(/^https:\/\/ugatit\.dev\/problems\/|^about:blank$/),
  });
  expect(typeof body.title).toBe("string");
  expect(body.request_id).toBe(response.headers.get("x-request-id"));
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at |\.ts:\d+/); // no stack traces
  return body;
}

/** POST /v1/uploads for `bytes`, then the presigned PUT; resolves with the upload. */
export async function uploadImage(
  key: string,
  bytes: Uint8Array,
  contentType = "image/png",
): Promise<Upload> {
  const r = await call("/v1/uploads", {
    key,
    json: { content_type: contentType, content_length: bytes.byteLength },
  });
  expect(r.status, await r.clone().text()).toBe(201);
  const upload = (await r.json()) as Upload;
  const put = await fetch(upload.url, { method: "PUT", headers: upload.headers, body: bytes });
  expect(put.status, await put.clone().text()).toBe(200);
  return upload;
}

/**
 * The job POST /v1/translations would make of `tenant`'s `upload` (A2B, the image alone, PNG, unless `options`
 * say otherwise), created `now`; not stored.
 */
export async function jobRecordFor(
  tenant: string,
  upload: Upload,
  requestId: string,
  options: Partial<TranslationOptions> = {},
  now?: Date,
): Promise<JobRecord> {
  const record = await findUpload(env.DB, tenant, upload.upload_id);
  return newJobRecord(
    tenant,
    record!,
    {
      direction: "A2B",
      outputs: ["image"],
      format: "png",
      resize: "fit",
      compose: "crop",
      webhook_events: ["completed"],
      ...options,
    },
    { defaultModel: "light@1", requestId },
    now,
  );
}

/** One run of the Cron Trigger, through the Worker's scheduled handler. */
export async function runCron(): Promise<void> {
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env);
}

/** Polls the job's row until `done` says so (or `timeoutMs` passes), without spending the key's rate limit. */
export async function waitForJob(
  id: string,
  done: (job: JobRecord) => boolean = (j) => ["succeeded", "failed", "canceled"].includes(j.status),
  timeoutMs = 30_000,
): Promise<JobRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await findJobById(env.DB, id);
    if (job && done(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job?.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
