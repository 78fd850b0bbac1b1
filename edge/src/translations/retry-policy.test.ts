import { describe, expect, it } from "vitest";
import type { JobRecord } from "./job-store.ts";
import { retryDelaySeconds, withinRetryBudget } from "./retry-policy.ts";

const policy = { baseDelaySeconds: 2, maxDelaySeconds: 60, budgetSeconds: 900 };

describe("retry delays", () => {
  it("double from the base with each attempt, up to the maximum, with up to half taken off at random", () => {
    const at = (random: number) =>
      [1, 2, 3, 4, 5, 6, 7].map((a) => retryDelaySeconds(policy, a, 0, () => random));
    expect(at(0.999_999)).toEqual([2, 4, 8, 16, 32, 60, 60]);
    expect(at(0)).toEqual([1, 2, 4, 8, 16, 30, 30]);
    expect(retryDelaySeconds(policy, 40, 0, () => 0.999_999)).toBe(60);
  });

  it("wait at least as long as the worker's Retry-After, even past the maximum", () => {
    expect(retryDelaySeconds(policy, 1, 5, () => 0)).toBe(5);
    expect(retryDelaySeconds(policy, 4, 5, () => 0.999_999)).toBe(16);
    expect(retryDelaySeconds(policy, 1, 120, () => 0)).toBe(120);
  });

  it("stop once the job is as old as the budget", () => {
    const created = Date.parse("2026-01-01T00:00:00Z");
    const job = { created_at: new Date(created).toISOString() } as JobRecord;
    expect(withinRetryBudget(policy, job, created + 899_999)).toBe(true);
    expect(withinRetryBudget(policy, job, created + 900_000)).toBe(false);
  });
});
