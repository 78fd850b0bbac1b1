import { describe, expect, it } from "vitest";
import { call, newKey } from "../../test/workerd/api.ts";

describe("GET /v1/models", () => {
  it("lists the worker's models with their directions, marking the default", async () => {
    const r = await call("/v1/models", { key: await newKey() });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      models: [
        {
          id: "light@1",
          name: "light",
          version: "1",
          directions: ["A2B", "B2A"],
          size: 64,
          default: true,
          untrained: false,
        },
      ],
      default_model: "light@1",
    });
  });
});
