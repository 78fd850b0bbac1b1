import { copyFile, mkdtemp, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openWeightFile } from "@ugatit/model/checkpoints";
import { describe, expect, it } from "vitest";
import { DEMO_MODEL_SIZE } from "../../gpu-worker/src/catalogue/catalogue.ts";
import { resolveDevModel } from "./dev-model.ts";

const FIXTURE = fileURLToPath(new URL("../../test/fixtures/ugatit-parity/light64.pt", import.meta.url));
const TF_PREFIX = fileURLToPath(
  new URL("../../test/fixtures/tf-ugatit/light64/UGATIT.model-1000000", import.meta.url),
);

describe("the model npm start serves", () => {
  it("is UGATIT_CHECKPOINT when set, at the worker's default size", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dev-model-"));
    const model = await resolveDevModel({
      checkpoint: FIXTURE,
      demo: join(dir, "demo.safetensors"),
      scratch: dir,
    });
    expect(model).toEqual({ name: "custom", checkpoint: FIXTURE, untrained: false });
  });

  it("takes a TensorFlow checkpoint by its prefix", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dev-model-"));
    const model = await resolveDevModel({ checkpoint: TF_PREFIX, demo: join(dir, "demo"), scratch: dir });
    expect(model).toEqual({ name: "custom", checkpoint: TF_PREFIX, untrained: false });
  });

  it("refuses a UGATIT_CHECKPOINT that does not exist, naming it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dev-model-"));
    const missing = join(dir, "nope.pt");
    await expect(resolveDevModel({ checkpoint: missing, demo: FIXTURE, scratch: dir })).rejects.toThrow(
      `UGATIT_CHECKPOINT ${missing} does not exist`,
    );
  });

  it("is the demo model when the repo has one, at the size it was trained at", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dev-model-"));
    const demo = join(dir, "demo.pt");
    await copyFile(FIXTURE, demo);
    const model = await resolveDevModel({ checkpoint: undefined, demo, scratch: dir });
    expect(model).toEqual({ name: "demo", checkpoint: demo, untrained: false, size: DEMO_MODEL_SIZE });
  });

  it("else a generated light model, marked untrained in its metadata", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dev-model-"));
    const model = await resolveDevModel({ checkpoint: undefined, demo: join(dir, "absent"), scratch: dir });
    expect(model.name).toBe("untrained");
    expect(model.untrained).toBe(true);
    expect((await stat(model.checkpoint)).size).toBeGreaterThan(0);
    const file = await openWeightFile(model.checkpoint);
    try {
      expect(file.metadata?.untrained).toBe("true");
    } finally {
      await file.close();
    }
  });
});
