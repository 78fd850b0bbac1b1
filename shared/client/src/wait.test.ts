import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiNetworkError, ApiProblemError } from "./errors.ts";
import type { TranslationJob } from "./types.ts";
import { MAX_UNANSWERED_POLLS, pollUntilFinished } from "./wait.ts";

const job = (status: TranslationJob["status"]) => ({ id: "01J", status }) as TranslationJob;
const dropped = () =>
  new ApiNetworkError("GET", "http://api/v1/translations/01J", new Error("socket hang up"));

/** A read that answers from `script` in turn: a status, or an error to throw. */
function scripted(script: (TranslationJob["status"] | Error)[]) {
  const read = vi.fn(async () => {
    const next = script.shift();
    if (next === undefined) throw new Error("read past the script");
    if (next instanceof Error) throw next;
    return job(next);
  });
  return read;
}

/** Runs the wait with fake timers to its end; resolves with its job or its error. */
async function settle(read: () => Promise<TranslationJob>): Promise<TranslationJob | Error> {
  const wait = pollUntilFinished(read, 10, undefined).catch((error: Error) => error);
  await vi.runAllTimersAsync();
  return wait;
}

describe("pollUntilFinished", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("polls until the job has finished", async () => {
    const read = scripted(["queued", "running", "succeeded"]);
    expect(await settle(read)).toEqual(job("succeeded"));
    expect(read).toHaveBeenCalledTimes(3);
  });

  it("tries a poll that got no answer again, and counts only unanswered polls in a row", async () => {
    const read = scripted([dropped(), "running", dropped(), dropped(), "failed"]);
    expect(await settle(read)).toEqual(job("failed"));
    expect(read).toHaveBeenCalledTimes(5);
  });

  it(`gives up after ${MAX_UNANSWERED_POLLS} unanswered polls in a row with the last one's error`, async () => {
    const errors = Array.from({ length: MAX_UNANSWERED_POLLS }, dropped);
    const read = scripted(["queued", ...errors, "succeeded"]);
    expect(await settle(read)).toBe(errors.at(-1));
    expect(read).toHaveBeenCalledTimes(1 + MAX_UNANSWERED_POLLS);
  });

  it("ends at once on an answer that is an error (a problem is not retried)", async () => {
    const gone = new ApiProblemError({ type: "about:blank", title: "Not Found", status: 404 }, new Headers());
    const read = scripted([gone, "succeeded"]);
    expect(await settle(read)).toBe(gone);
    expect(read).toHaveBeenCalledTimes(1);
  });
});
