/**
 * @ugatit/client against the real stack (edge in workerd, worker, signature-checking S3): its types are
 * what openapi-typescript makes of the served document, and each outcome a user meets comes out typed.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  ApiNetworkError,
  ApiProblemError,
  createClient,
  type Fetch,
  type UgatitClient,
} from "@ugatit/client";
import { imageFile } from "@ugatit/client/node";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPENAPI_TYPES_FILE, openApiTypes } from "../shared/client/scripts/openapi-types.ts";
import { ROOT } from "./helpers/processes.ts";
import { freePort, startTestStack } from "./helpers/stack.ts";

const CHECKPOINT = join(ROOT, "test/fixtures/ugatit-parity/light64.pt");
const INPUT = join(ROOT, "test/fixtures/ugatit-parity/light64_a_in.png");
const UNKNOWN_JOB = "01JD7Y5B0C1D2E3F4G5H6J7K8M";

let stack: Awaited<ReturnType<typeof startTestStack>>;
let client: UgatitClient;
/** Every request the client made, with its answer's status: the global fetch, watched. */
let seen: { method: string; url: string; headers: Headers; status: number }[] = [];

const watchingFetch: Fetch = async (url, init) => {
  const response = await fetch(url, init);
  seen.push({
    method: init.method ?? "GET",
    url,
    headers: new Headers(init.headers),
    status: response.status,
  });
  return response;
};

/** Runs `action` and returns the ApiProblemError it must throw. */
async function problemOf(action: Promise<unknown>): Promise<ApiProblemError> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiProblemError);
  return error as ApiProblemError;
}

beforeAll(async () => {
  stack = await startTestStack(CHECKPOINT);
  client = createClient({ baseUrl: stack.info.edgeUrl, apiKey: stack.info.apiKey, fetch: watchingFetch });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

describe("@ugatit/client on the real stack", () => {
  it("its committed types are what openapi-typescript makes of the edge's /openapi.json", async () => {
    const document = await (await fetch(`${stack.info.edgeUrl}/openapi.json`)).json();
    const committed = await readFile(OPENAPI_TYPES_FILE, "utf8");
    // on a difference: `npm start`, then `npm run generate -w @ugatit/client`
    expect(await openApiTypes(document)).toBe(committed);
  });

  it("translate(): presigned upload, Prefer: wait, and a PNG of the model's size", async () => {
    seen = [];
    const { models } = await client.listModels();
    const model = models.find((m) => m.default) ?? models[0]!;
    const result = await client.translate(await readFile(INPUT), { direction: "A2B" });

    expect(result.job).toMatchObject({ status: "succeeded", direction: "A2B", model: model.id });
    const image = await result.image();
    expect(await sharp(image).metadata()).toMatchObject({
      format: "png",
      width: model.size,
      height: model.size,
    });
    const heatmap = await result.heatmap();
    expect((await sharp(heatmap!).metadata()).format).toBe("png");

    const [announce, put, create] = seen.slice(1);
    expect(announce).toMatchObject({ method: "POST", status: 201 });
    expect(announce!.url).toBe(`${stack.info.edgeUrl}/v1/uploads`);
    // the storage checks the signature over exactly these headers: 200 means they were sent as given
    expect(put).toMatchObject({ method: "PUT", status: 200 });
    expect(put!.headers.get("content-type")).toBe("image/png");
    expect(put!.headers.get("authorization")).toBeNull();
    expect(create).toMatchObject({ method: "POST", status: 200 });
    expect(create!.headers.get("prefer")).toMatch(/^wait=\d+$/);
  });

  it("translate() without waiting: 202, then polling its Location until it succeeded", async () => {
    seen = [];
    const result = await client.translate(await imageFile(INPUT), {
      direction: "B2A",
      outputs: ["image"],
      waitSeconds: 0,
    });

    expect(result.job.status).toBe("succeeded");
    expect(result.job.output.heatmap_url).toBeNull();
    expect(await result.heatmap()).toBeNull();
    expect((await sharp(await result.image()).metadata()).format).toBe("png");
    const create = seen.find((r) => r.method === "POST" && r.url.endsWith("/v1/translations"))!;
    expect(create.status).toBe(202);
    expect(create.headers.get("prefer")).toBeNull();
    const polls = seen.filter(
      (r) => r.method === "GET" && r.url.endsWith(`/v1/translations/${result.job.id}`),
    );
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.at(-1)!.status).toBe(200);
  });

  it("the job's methods: get, delete (then 404)", async () => {
    const { job } = await client.translate(await readFile(INPUT), { direction: "A2B", outputs: ["image"] });
    expect(await client.getTranslation(job.id)).toMatchObject({ id: job.id, status: "succeeded" });
    expect(await client.deleteTranslation(job.id)).toBeNull();
    expect((await problemOf(client.getTranslation(job.id))).status).toBe(404);
  });

  it("a bad key: a typed 401 problem", async () => {
    const stranger = createClient({ baseUrl: stack.info.edgeUrl, apiKey: "ugk_not-a-key-at-all" });
    const image = await readFile(INPUT);
    for (const action of [
      () => stranger.listModels(),
      () => stranger.translate(image, { direction: "A2B" }),
    ]) {
      const problem = await problemOf(action());
      expect(problem).toMatchObject({ status: 401, type: "https://ugatit.dev/problems/unauthorized" });
      expect(problem.title).toBe("Unauthorized");
      expect(problem.problem.request_id).toEqual(expect.any(String));
      expect(problem.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
  });

  it("an oversized upload: a typed 413 problem naming the limit", async () => {
    const problem = await problemOf(
      client.createUpload({ content_type: "image/png", content_length: 2 ** 40 }),
    );
    expect(problem).toMatchObject({ status: 413, type: "https://ugatit.dev/problems/payload-too-large" });
    expect(problem.problem.max_bytes).toEqual(expect.any(Number));
  });

  it("bytes that are not the image they claim: a typed 422 problem, after the upload", async () => {
    const notAPng = new TextEncoder().encode("this is plain text, not a PNG image at all");
    const problem = await problemOf(
      client.translate(notAPng, { direction: "A2B", contentType: "image/png", waitSeconds: 0 }),
    );
    expect(problem).toMatchObject({ status: 422, type: "https://ugatit.dev/problems/image-refused" });
    expect(problem.detail).toMatch(/PNG/);
    // without contentType the client names the problem itself, before any request
    await expect(client.translate(notAPng, { direction: "A2B" })).rejects.toThrow(/not a PNG, JPEG or WebP/);
  });

  it("a PUT the storage refuses (a tampered signature): its XML answer as an about:blank problem", async () => {
    const bytes = await readFile(INPUT);
    const upload = await client.createUpload({ content_type: "image/png", content_length: bytes.length });
    const tampered = {
      ...upload,
      url: upload.url.replace(/(X-Amz-Signature=)[0-9a-f]+/, `$1${"0".repeat(64)}`),
    };
    expect(tampered.url).not.toBe(upload.url);
    const problem = await problemOf(client.putUpload(tampered, new Blob([bytes])));
    expect(problem).toMatchObject({ type: "about:blank", status: 403 });
    expect(problem.detail).toMatch(/SignatureDoesNotMatch/);
    // another length than announced is refused before sending: the storage would refuse it too
    await expect(client.putUpload(upload, new Blob([bytes.subarray(0, 100)]))).rejects.toThrow(
      `the image has 100 bytes; its upload announced ${bytes.length}`,
    );
  });

  it("an unknown job: a typed 404 problem", async () => {
    const problem = await problemOf(client.getTranslation(UNKNOWN_JOB));
    expect(problem).toMatchObject({ status: 404, type: "https://ugatit.dev/problems/not-found" });
    expect(problem.detail).toContain(UNKNOWN_JOB);
    expect((await problemOf(client.deleteTranslation(UNKNOWN_JOB))).status).toBe(404);
  });

  it("no server at the address: ApiNetworkError, not a problem", async () => {
    const nowhere = createClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, apiKey: "ugk_x" });
    const error = await nowhere.listModels().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiNetworkError);
    expect((error as ApiNetworkError).url).toMatch(/\/v1\/models$/);
  });

  // last: it spends the key's rate limit for the rest of the window
  it("past the rate limit: a typed 429 problem with Retry-After", async () => {
    const answers = await Promise.all(
      Array.from({ length: 140 }, () => client.getTranslation(UNKNOWN_JOB).catch((e: unknown) => e)),
    );
    const limited = answers.find((e) => e instanceof ApiProblemError && e.status === 429) as ApiProblemError;
    expect(limited).toBeDefined();
    expect(limited.type).toBe("https://ugatit.dev/problems/rate-limited");
    expect(limited.retryAfterSeconds).toBeGreaterThan(0);
  });
});
