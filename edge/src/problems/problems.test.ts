import { describe, expect, it } from "vitest";
import { call, expectProblem, newKey } from "../../test/workerd/api.ts";

describe("problem details for every error", () => {
  it("answers an unknown route with 404", async () => {
    const problem = await expectProblem(await call("/v2/nothing"), 404);
    expect(problem).toMatchObject({ type: "https://ugatit.dev/problems/not-found", instance: "/v2/nothing" });
  });

  it("answers a known route's other methods with 405 and Allow", async () => {
    const key = await newKey();
    const r = await call("/v1/uploads", { key, method: "GET" });
    expect((await expectProblem(r, 405)).detail).toBe("GET is not allowed on /v1/uploads");
    expect(r.headers.get("allow")).toBe("OPTIONS, POST");
    const put = await call("/v1/translations/abc", { key, method: "PUT", body: "{}" });
    await expectProblem(put, 405);
    expect(put.headers.get("allow")).toBe("DELETE, GET, HEAD, OPTIONS");
  });

  it("answers an unexpected failure with 500 and no internals", async () => {
    // A broken configuration makes the handler throw something that is not a problem.
    const r = await call("/v1/uploads", {
      key: await newKey(),
      env: { S3_BUCKET: "" },
      json: { content_type: "image/png", content_length: 10 },
    });
    const problem = await expectProblem(r, 500);
    expect(problem).toMatchObject({ type: "https://ugatit.dev/problems/internal", title: "Internal error" });
    expect(JSON.stringify(problem)).not.toMatch(/S3_BUCKET|ConfigError|stack/);
  });
});
