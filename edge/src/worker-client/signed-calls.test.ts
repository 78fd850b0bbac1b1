/** Signed edge → worker calls through the real worker process: identical calls at once are no replays. */
import { describe, expect, it } from "vitest";
import { call, newKey } from "../../test/workerd/api.ts";

describe("signed calls to the worker", () => {
  it("answers 100 identical concurrent GET /v1/models, each with 200", async () => {
    // The tests' rate limit allows 40 requests a key a minute: 5 keys share the 100 calls.
    const keys = await Promise.all(Array.from({ length: 5 }, () => newKey()));
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => call("/v1/models", { key: keys[i % keys.length] as string })),
    );
    const statuses = await Promise.all(
      answers.map(async (r) => `${r.status} ${r.status === 200 ? "" : await r.text()}`),
    );
    expect(statuses).toEqual(Array(100).fill("200 "));
  });
});
