import { describe, expect, it } from "vitest";
import { ApiProblemError, TranslationFailedError } from "./errors.ts";

const problem = { type: "https://ugatit.dev/problems/rate-limited", title: "Too many requests", status: 429 };

describe("ApiProblemError", () => {
  it("carries the problem's members, its body and a message naming them", () => {
    const error = new ApiProblemError({ ...problem, detail: "retry in 60 s", extra: 1 }, new Headers());
    expect(error).toMatchObject({
      status: 429,
      type: problem.type,
      title: problem.title,
      detail: "retry in 60 s",
    });
    expect(error.problem.extra).toBe(1);
    expect(error.message).toBe("429 Too many requests: retry in 60 s");
    expect(error.retryAfterSeconds).toBeUndefined();
  });

  it("reads Retry-After as seconds or as an HTTP date, and ignores one it cannot read", () => {
    const after = (value: string) => new ApiProblemError(problem, new Headers({ "retry-after": value }));
    expect(after("7").retryAfterSeconds).toBe(7);
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    expect(after(inTwoMinutes).retryAfterSeconds).toBeGreaterThan(100);
    expect(after(new Date(0).toUTCString()).retryAfterSeconds).toBe(0);
    expect(after("soon").retryAfterSeconds).toBeUndefined();
  });
});

describe("TranslationFailedError", () => {
  it("names the job and why it failed", () => {
    const error = new TranslationFailedError({
      id: "01J",
      status: "failed",
      direction: "A2B",
      framing: { mode: null, box: null },
      compose: "crop",
      model: "light@1",
      created_at: "2026-01-01T00:00:00Z",
      started_at: null,
      completed_at: null,
      output: null,
      webhook: null,
      error: {
        type: "https://ugatit.dev/problems/image-refused",
        title: "Image refused",
        detail: "too large",
      },
    });
    expect(error.message).toBe("translation 01J failed: Image refused: too large");
  });
});
