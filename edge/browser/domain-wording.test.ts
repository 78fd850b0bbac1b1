import { describe, expect, it } from "vitest";
import { directionFrom, directionLabel, modelSummary } from "./domain-wording.ts";

const emoji = { A: "colour emoji", B: "line-art emoji" };

describe("the page's wording of a model", () => {
  it("names the domains when the model does", () => {
    expect(directionLabel("A2B", emoji)).toBe("colour emoji → line-art emoji");
    expect(directionLabel("B2A", emoji)).toBe("line-art emoji → colour emoji");
    expect(modelSummary({ id: "demo@1", directions: ["A2B", "B2A"], untrained: false, domains: emoji })).toBe(
      "demo@1 turns colour emoji into line-art emoji, and line-art emoji into colour emoji.",
    );
  });

  it("falls back to A → B for a model that names none, and says an untrained one is noise", () => {
    expect(directionLabel("A2B", null)).toBe("A → B");
    expect(directionLabel("B2A", null)).toBe("B → A");
    expect(modelSummary({ id: "bare@1", directions: ["A2B"], untrained: true, domains: null })).toBe(
      "bare@1 turns images of its domain A into its domain B. Its file does not say what A and B are. It is untrained: its translations are noise.",
    );
  });

  it("finds the direction that starts from a domain", () => {
    expect([directionFrom("A"), directionFrom("B")]).toEqual(["A2B", "B2A"]);
  });
});
