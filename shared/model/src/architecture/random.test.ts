import { describe, expect, it } from "vitest";
import { mulberry32 } from "./random.ts";

describe("mulberry32", () => {
  it("keeps drawing the pinned sequence of state 1 (seeded initialisations and data orders depend on it)", () => {
    const random = mulberry32(1);
    const drawn = Array.from({ length: 3 }, () => Math.floor(random() * 2 ** 32));
    expect(drawn).toEqual([2693262067, 11749833, 2265367787]);
  });

  it("repeats for the same state, differs for another, stays in [0, 1)", () => {
    const a = Array.from({ length: 1000 }, mulberry32(7));
    expect(Array.from({ length: 1000 }, mulberry32(7))).toEqual(a);
    expect(Array.from({ length: 1000 }, mulberry32(8))).not.toEqual(a);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(1);
  });
});
