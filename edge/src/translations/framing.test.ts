/** POST /v1/translations with `framing` and `compose`: real photos through the edge in workerd, a real worker and S3. */
import { readImageHeader } from "@ugatit/contracts/image";
import { describe, expect, it } from "vitest";
import { call, expectProblem, image, newKey, uploadImage } from "../../test/workerd/api.ts";
import type { TranslationJob } from "./schemas.ts";

async function translate(photo: "portrait" | "faceless", options: Record<string, unknown>) {
  const key = await newKey();
  const upload = await uploadImage(key, image(photo), "image/jpeg");
  return call("/v1/translations", {
    key,
    headers: { prefer: "wait=30" },
    json: { upload_id: upload.upload_id, direction: "A2B", outputs: ["image"], ...options },
  });
}

describe("framing", () => {
  it("frames the face, reports the box on the job, and pastes the result back at the photo's size", async () => {
    const r = await translate("portrait", { framing: "face", compose: "paste", format: "jpeg" });
    expect(r.status, await r.clone().text()).toBe(200);
    const job = (await r.json()) as TranslationJob;
    expect(job.status).toBe("succeeded");
    expect(job.compose).toBe("paste");
    expect(job.framing.mode).toBe("face");
    const [x, y, w, h] = job.framing.box!;
    // The hand-labelled face, [178, 78, 92, 92], inside a square box.
    expect([x <= 178, y <= 78, x + w >= 270, y + h >= 170, w === h]).toEqual([true, true, true, true, true]);
    const result = new Uint8Array(await (await fetch(job.output!.image_url)).arrayBuffer());
    expect(readImageHeader(result)).toEqual({ format: "jpeg", width: 512, height: 512 });
  });

  it("shows the framing asked for until the job is done, null for the model's default, and the one used after", async () => {
    const key = await newKey();
    const upload = await uploadImage(key, image("portrait"), "image/jpeg");
    const queued = (await (
      await call("/v1/translations", { key, json: { upload_id: upload.upload_id, direction: "A2B" } })
    ).json()) as TranslationJob;
    expect(queued.framing).toEqual({ mode: null, box: null });
    expect(queued.compose).toBe("crop");
    const r = await translate("portrait", { framing: "center" });
    const done = (await r.json()) as TranslationJob;
    expect(done.framing).toEqual({ mode: "center", box: [0, 0, 512, 512] });
  });

  it("fails the job with a no-face error for a photo without a face", async () => {
    const r = await translate("faceless", { framing: "face" });
    expect(r.status).toBe(200);
    const job = (await r.json()) as TranslationJob;
    expect(job).toMatchObject({ status: "failed", output: null });
    expect(job.error?.type).toBe("https://ugatit.dev/problems/no-face");
    expect(job.error?.detail).toMatch(/no face found in the 512×480 image/);
  });

  it("refuses a framing or compose it does not know with 400", async () => {
    for (const options of [{ framing: "faces" }, { compose: "blend" }]) {
      const problem = await expectProblem(await translate("portrait", options), 400);
      expect(problem.detail).toMatch(Object.keys(options)[0]!);
    }
  });
});
