/** Erasing an upload: DELETE /v1/uploads/{id}, and DELETE /v1/translations/{id}?delete_input=true. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectProblem, image, newKey, uploadImage } from "../../test/workerd/api.ts";
import { edgeConfig } from "../config/edge-config.ts";
import { objectStore } from "../storage/object-store.ts";
import type { TranslationJob } from "../translations/schemas.ts";
import { findUpload } from "./upload-store.ts";

/** Whether the tenant's upload still has its image in the real S3 server. */
async function stored(tenant: string, uploadId: string, objectKey?: string): Promise<boolean> {
  const key = objectKey ?? (await findUpload(env.DB, tenant, uploadId))?.object_key;
  return key !== undefined && (await objectStore(edgeConfig(env).storage).head(key)) !== null;
}

async function keyOfTenant(): Promise<{ key: string; tenant: string }> {
  const tenant = `erase-${crypto.randomUUID().slice(0, 8)}`;
  return { key: await newKey(tenant), tenant };
}

describe("DELETE /v1/uploads/{id}", () => {
  it("answers 204, removes the image, and translating the upload then answers 404", async () => {
    const { key, tenant } = await keyOfTenant();
    const upload = await uploadImage(key, image());
    const objectKey = (await findUpload(env.DB, tenant, upload.upload_id))?.object_key;
    expect(await stored(tenant, upload.upload_id)).toBe(true);

    const r = await call(`/v1/uploads/${upload.upload_id}`, { key, method: "DELETE" });
    expect(r.status, await r.clone().text()).toBe(204);
    expect(await stored(tenant, upload.upload_id, objectKey)).toBe(false);

    const translate = await call("/v1/translations", {
      key,
      json: { upload_id: upload.upload_id, direction: "A2B" },
    });
    expect((await expectProblem(translate, 404)).detail).toBe(`no upload ${upload.upload_id}`);
    await expectProblem(await call(`/v1/uploads/${upload.upload_id}`, { key, method: "DELETE" }), 404);
  });

  it("answers 404 for another tenant's upload, and keeps it", async () => {
    const owner = await keyOfTenant();
    const upload = await uploadImage(owner.key, image());
    await expectProblem(
      await call(`/v1/uploads/${upload.upload_id}`, { key: await newKey(), method: "DELETE" }),
      404,
    );
    expect(await stored(owner.tenant, upload.upload_id)).toBe(true);
  });

  it("needs the write scope", async () => {
    const { key } = await keyOfTenant();
    const upload = await uploadImage(key, image());
    const reader = await newKey(undefined, ["read"]);
    await expectProblem(
      await call(`/v1/uploads/${upload.upload_id}`, { key: reader, method: "DELETE" }),
      403,
    );
  });
});

describe("DELETE /v1/translations/{id}?delete_input=true", () => {
  it("deletes the finished job, its outputs and its input image", async () => {
    const { key, tenant } = await keyOfTenant();
    const upload = await uploadImage(key, image());
    const objectKey = (await findUpload(env.DB, tenant, upload.upload_id))?.object_key;
    const r = await call("/v1/translations", {
      key,
      headers: { prefer: "wait=30" },
      json: { upload_id: upload.upload_id, direction: "A2B" },
    });
    const job = (await r.json()) as TranslationJob;
    expect(job.status).toBe("succeeded");

    const deleted = await call(`/v1/translations/${job.id}?delete_input=true`, { key, method: "DELETE" });
    expect(deleted.status, await deleted.clone().text()).toBe(204);
    expect(await stored(tenant, upload.upload_id, objectKey)).toBe(false);
    expect(await findUpload(env.DB, tenant, upload.upload_id)).toBeNull();
    expect((await fetch(job.output?.image_url ?? "")).status).toBe(404);
  });

  it("keeps the input without it, and refuses a value other than true or false", async () => {
    const { key, tenant } = await keyOfTenant();
    const upload = await uploadImage(key, image());
    const r = await call("/v1/translations", {
      key,
      headers: { prefer: "wait=30" },
      json: { upload_id: upload.upload_id, direction: "A2B" },
    });
    const job = (await r.json()) as TranslationJob;
    await expectProblem(
      await call(`/v1/translations/${job.id}?delete_input=yes`, { key, method: "DELETE" }),
      400,
    );
    expect((await call(`/v1/translations/${job.id}`, { key, method: "DELETE" })).status).toBe(204);
    expect(await stored(tenant, upload.upload_id)).toBe(true);
  });
});
