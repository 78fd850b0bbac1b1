import { describe, expect, it } from "vitest";
import { type CatalogueModel, DEMO_CHECKPOINT, DEMO_MODEL_SIZE, resolveCatalogueModel } from "./catalogue.ts";

/** An entry the user downloads, as the official checkpoints are. */
const DOWNLOADED: CatalogueModel = {
  name: "selfie2anime",
  description: "selfie → anime",
  source: { kind: "user", env: "TEST_SELFIE2ANIME", obtain: "download it from example.org/selfie2anime" },
};

describe("the model catalogue", () => {
  it("resolves the shipped demo model with the size it was trained at", async () => {
    expect(await resolveCatalogueModel("demo", {})).toEqual({
      checkpoint: DEMO_CHECKPOINT,
      size: DEMO_MODEL_SIZE,
    });
  });

  it("names the models it has when asked for another", async () => {
    await expect(resolveCatalogueModel("horse2zebra", {})).rejects.toThrow(
      /no model named "horse2zebra" \(models: demo;/,
    );
  });

  it("says where to get a downloaded model and which variable to set, and passes the variable's path on", async () => {
    const catalogue = [DOWNLOADED];
    await expect(resolveCatalogueModel("selfie2anime", {}, catalogue)).rejects.toThrow(
      'model "selfie2anime" is not installed: download it from example.org/selfie2anime, then set TEST_SELFIE2ANIME',
    );
    // a TensorFlow checkpoint's prefix is no file: the path goes to the reader as given
    const prefix = { TEST_SELFIE2ANIME: "/models/UGATIT_selfie2anime/UGATIT.model-1000000" };
    expect(await resolveCatalogueModel("selfie2anime", prefix, catalogue)).toEqual({
      checkpoint: prefix.TEST_SELFIE2ANIME,
      size: undefined,
    });
  });
});
