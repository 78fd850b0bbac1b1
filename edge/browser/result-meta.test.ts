import { describe, expect, it } from "vitest";
import { browserResultLine, formatDuration, serverResultLine } from "./result-meta.ts";

describe("the line under the pictures", () => {
  it("says where the translation ran, how fast, and the CAM logits to 4 places", () => {
    expect(serverResultLine({ model: "demo@1", direction: "A2B" }, [0.123456, -2])).toBe(
      "model demo@1 · A2B · on the server · cam_logit [0.1235, -2.0000]",
    );
    const framed = {
      model: "selfie@1",
      direction: "A2B" as const,
      framing: { mode: "face" as const, box: [10, 20, 300, 300] as [number, number, number, number] },
    };
    const whole = {
      ...framed,
      framing: { mode: "fit" as const, box: [0, 0, 96, 96] as [number, number, number, number] },
    };
    expect(serverResultLine(whole, [0, 0])).toBe(
      "model selfie@1 · A2B · on the server · cam_logit [0.0000, 0.0000]",
    );
    expect(serverResultLine(framed, [0, 0])).toBe(
      "model selfie@1 · A2B · on the server · framing face [10, 20, 300, 300] · cam_logit [0.0000, 0.0000]",
    );
    const result = {
      imageUrl: "blob:x",
      heatmapUrl: "blob:y",
      camLogit: [1, 2] as [number, number],
      backend: "wasm" as const,
      model: "demo@1",
      modelBytes: 687_000,
      loadMs: 1234,
      inferenceMs: 40.4,
    };
    expect(browserResultLine(result, "B2A")).toBe(
      "model demo@1 · B2A · in your browser (wasm) · model 0.7 MB, loaded in 1.2 s · translated in 40 ms · cam_logit [1.0000, 2.0000]",
    );
    expect(browserResultLine({ ...result, loadMs: undefined }, "B2A")).toContain(
      "· model already loaded · translated in 40 ms ·",
    );
    expect([formatDuration(999.4), formatDuration(1000)]).toEqual(["999 ms", "1.0 s"]);
  });
});
