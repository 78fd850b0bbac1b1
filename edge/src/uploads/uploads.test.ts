import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectProblem, image, newKey, uniqueTenant, uploadImage } from "../../test/workerd/api.ts";
import type { Principal } from "../auth/principal.ts";
import { presignUpload } from "./presign-upload.ts";
import type { Upload } from "./schemas.ts";

const MAX = 1024 * 1024; // MAX_UPLOAD_BYTES in the tests

async function announce(key: string, contentType: string, contentLength: number): Promise<Upload> {
  const r = await call("/v1/uploads", {
    key,
    json: { content_type: contentType, content_length: contentLength },
  });
  expect(r.status, await r.clone().text()).toBe(201);
  return (await r.json()) as Upload;
}

const put = (
  upload: Upload,
  body: BodyInit,
  headers: Record<string, string> = upload.headers,
  url = upload.url,
) => fetch(url, { method: "PUT", headers, body });

const translate = (key: string, upload_id: string) =>
  call("/v1/translations", { key, json: { upload_id, direction: "A2B" } });

/** A PNG whose IHDR claims `width`×`height`, followed by a little junk: the header is all a check may read. */
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 2, 0, 0, 0], 24);
  return bytes;
}

describe("POST /v1/uploads", () => {
  it("answers a presigned PUT bound to the declared type and length, under the tenant's prefix", async () => {
    const tenant = uniqueTenant();
    const key = await newKey(tenant);
    const png = image("png");
    const upload = await announce(key, "image/png", png.byteLength);
    expect(upload).toMatchObject({
      upload_id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      method: "PUT",
      headers: {
        "content-type": "image/png",
        "content-length": String(png.byteLength),
        "if-none-match": "*",
      },
    });
    expect(new URL(upload.url).pathname).toContain(`/t/${tenant}/uploads/${upload.upload_id}`);
    expect(new URL(upload.url).searchParams.get("X-Amz-SignedHeaders")).toBe(
      "content-length;content-type;host;if-none-match",
    );
    expect(Date.parse(upload.expires_at) - Date.now()).toBeGreaterThan(200_000);
    expect(Date.parse(upload.expires_at) - Date.now()).toBeLessThanOrEqual(300_000);
    expect((await put(upload, png)).status).toBe(200);
    const row = await env.DB.prepare("SELECT * FROM uploads WHERE id = ?").bind(upload.upload_id).first();
    expect(row).toMatchObject({ tenant, content_type: "image/png", content_length: png.byteLength });
  });

  it.each([
    ["a type not allowed", { content_type: "image/gif", content_length: 10 }, "content_type"],
    ["no length", { content_type: "image/png" }, "content_length"],
    ["a zero length", { content_type: "image/png", content_length: 0 }, "content_length"],
  ])("refuses %s with 400 naming the field", async (_, json, field) => {
    const problem = await expectProblem(await call("/v1/uploads", { key: await newKey(), json }), 400);
    expect(problem.invalid_params).toEqual([expect.objectContaining({ name: field })]);
  });

  it("refuses a size over the cap with 413", async () => {
    const r = await call("/v1/uploads", {
      key: await newKey(),
      json: { content_type: "image/png", content_length: MAX + 1 },
    });
    expect((await expectProblem(r, 413)).max_bytes).toBe(MAX);
  });

  it("refuses a body that is not JSON, and an oversized JSON body", async () => {
    const key = await newKey();
    await expectProblem(
      await call("/v1/uploads", { key, body: "{not json", headers: { "content-type": "application/json" } }),
      400,
    );
    await expectProblem(
      await call("/v1/uploads", { key, body: "x", headers: { "content-type": "text/plain" } }),
      415,
    );
    const huge = JSON.stringify({ content_type: "image/png", content_length: 1, pad: "x".repeat(70_000) });
    await expectProblem(
      await call("/v1/uploads", { key, body: huge, headers: { "content-type": "application/json" } }),
      413,
    );
  });
});

describe("the presigned PUT, at the store", () => {
  it("fails with another length, another type, or a tampered signature", async () => {
    const png = image("png");
    const upload = await announce(await newKey(), "image/png", png.byteLength);
    expect(
      (await put(upload, png.subarray(1), { "content-type": "image/png", "if-none-match": "*" })).status,
    ).toBe(403);
    expect((await put(upload, png, { ...upload.headers, "content-type": "image/jpeg" })).status).toBe(403);
    const tampered = upload.url.replace(
      /X-Amz-Signature=([0-9a-f])/,
      (_, c) => `X-Amz-Signature=${c === "0" ? "1" : "0"}`,
    );
    expect((await put(upload, png, upload.headers, tampered)).status).toBe(403);
    const otherKey = upload.url.replace(/uploads\/[0-9A-Z]+/, "uploads/01JD0000000000000000000000");
    expect((await put(upload, png, upload.headers, otherKey)).status).toBe(403);
    expect((await put(upload, png)).status).toBe(200);
  });

  it("fails once expired", async () => {
    const tenant = uniqueTenant();
    const principal: Principal = {
      tenant,
      keyId: "test",
      scopes: ["write"],
      anonymous: false,
      maxUploadBytes: MAX,
      clientNetwork: "192.0.2.1",
    };
    const png = image("png");
    const upload = await presignUpload(
      env,
      principal,
      { content_type: "image/png", content_length: png.byteLength },
      {
        ttlSeconds: 1,
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const r = await put(upload, png);
    expect(r.status).toBe(403);
    expect(await r.text()).toMatch(/expired/i);
  });
});

describe("the check of the stored image, before any GPU work", () => {
  it("answers 409 while nothing was PUT", async () => {
    const key = await newKey();
    const upload = await announce(key, "image/png", 100);
    expect((await expectProblem(await translate(key, upload.upload_id), 409)).detail).toMatch(/PUT it/);
  });

  it("refuses a text file sent as a PNG", async () => {
    const key = await newKey();
    const text = new TextEncoder().encode("this is a text file, not a picture at all");
    const upload = await announce(key, "image/png", text.byteLength);
    expect((await put(upload, text)).status).toBe(200);
    const problem = await expectProblem(await translate(key, upload.upload_id), 422);
    expect(problem.detail).toMatch(/not a usable image: image is not a PNG, JPEG or WebP file/);
  });

  it("refuses bytes of another format than declared", async () => {
    const key = await newKey();
    const upload = await uploadImage(key, image("jpeg"), "image/png");
    expect((await expectProblem(await translate(key, upload.upload_id), 422)).detail).toBe(
      "the upload declared image/png but the bytes are JPEG",
    );
  });

  it.each([
    ["a side over 8192", pngHeader(100_000, 100_000), /100000×100000: a side over 8192 pixels/],
    ["more than 16 megapixels", pngHeader(5000, 4000), /5000×4000: over 16000000 pixels/],
    ["a header that says 0 pixels", pngHeader(0, 10), /says 0×10/],
  ])("refuses a pixel bomb: %s", async (_, bytes, detail) => {
    const key = await newKey();
    const upload = await uploadImage(key, bytes);
    expect((await expectProblem(await translate(key, upload.upload_id), 422)).detail).toMatch(detail);
  });

  it("accepts PNG, JPEG and WebP as declared", async () => {
    const key = await newKey();
    for (const [format, type] of [
      ["png", "image/png"],
      ["jpeg", "image/jpeg"],
      ["webp", "image/webp"],
    ] as const) {
      const upload = await uploadImage(key, image(format), type);
      expect((await translate(key, upload.upload_id)).status).toBe(202);
    }
  });
});

describe("an image as the body of POST /v1/translations", () => {
  const send = (key: string, body: BodyInit, headers: Record<string, string>, query = "?direction=A2B") =>
    call(`/v1/translations${query}`, { key, method: "POST", body, headers });

  it("stores it under the tenant's prefix and starts the job", async () => {
    const tenant = uniqueTenant();
    const key = await newKey(tenant);
    const r = await send(key, image("webp"), { "content-type": "image/webp" });
    expect(r.status, await r.clone().text()).toBe(202);
    const { id } = (await r.json()) as { id: string };
    const job = await env.DB.prepare("SELECT input_key FROM jobs WHERE id = ?")
      .bind(id)
      .first<{ input_key: string }>();
    expect(job?.input_key).toMatch(new RegExp(`^t/${tenant}/uploads/[0-9A-Z]{26}$`));
  });

  it("refuses a Content-Length over the cap with 413 before reading", async () => {
    const r = await send(await newKey(), new Uint8Array(MAX + 1), { "content-type": "image/png" });
    expect((await expectProblem(r, 413)).max_bytes).toBe(MAX);
  });

  it("refuses a streamed body one byte past the cap with 413", async () => {
    const chunk = new Uint8Array(64 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX) controller.close();
        else {
          sent += chunk.byteLength;
          controller.enqueue(chunk);
        }
      },
    });
    const r = await send(await newKey(), body, { "content-type": "image/png" });
    await expectProblem(r, 413);
  });

  it("needs a direction, and an accepted type", async () => {
    const key = await newKey();
    const missing = await expectProblem(await send(key, image(), { "content-type": "image/png" }, ""), 400);
    expect(missing.invalid_params).toEqual([expect.objectContaining({ name: "direction" })]);
    await expectProblem(await send(key, image(), { "content-type": "image/gif" }), 415);
  });

  it("refuses what is not the declared image, and keeps nothing of it", async () => {
    const key = await newKey();
    const tenant = (await env.DB.prepare(
      "SELECT tenant FROM api_keys ORDER BY created_at DESC LIMIT 1",
    ).first<{
      tenant: string;
    }>())!.tenant;
    await expectProblem(
      await send(key, new TextEncoder().encode("hello"), { "content-type": "image/jpeg" }),
      422,
    );
    expect(
      await env.DB.prepare("SELECT COUNT(*) AS n FROM uploads WHERE tenant = ?").bind(tenant).first("n"),
    ).toBe(0);
  });
});
