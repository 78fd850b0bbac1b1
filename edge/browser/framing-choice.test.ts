import { describe, expect, it } from "vitest";
import { chosenCompose, chosenFraming } from "./framing-choice.ts";

describe("the framing and result menus", () => {
  it("pass the API's values through and leave the model's default to it", () => {
    expect(["fit", "center", "face", ""].map(chosenFraming)).toEqual(["fit", "center", "face", undefined]);
    expect(chosenFraming("square")).toBeUndefined();
    expect([chosenCompose("paste"), chosenCompose("crop"), chosenCompose("")]).toEqual([
      "paste",
      "crop",
      "crop",
    ]);
  });
});
