import { describe, expect, it } from "vitest";
import { learningRate, OFFICIAL_DEFAULTS } from "./hyperparameters.ts";

describe("the learning-rate schedule", () => {
  const h = { ...OFFICIAL_DEFAULTS, iterations: 1000 };

  it("holds lr over the first half, then falls linearly to 0 at the last iteration", () => {
    expect(learningRate(h, 1)).toBe(1e-4);
    expect(learningRate(h, 500)).toBe(1e-4);
    expect(learningRate(h, 750)).toBeCloseTo(5e-5, 12);
    expect(learningRate(h, 1000)).toBeCloseTo(0, 12);
  });

  it("stays at lr without decay", () => {
    expect(learningRate({ ...h, decay: false }, 1000)).toBe(1e-4);
  });
});
