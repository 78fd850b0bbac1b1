import { describe, expect, it } from "vitest";
import { releaseWeights, type TorchWeights } from "./params.ts";

describe("releaseWeights", () => {
  it("empties the map and detaches the buffers the tensors own whole", () => {
    const owned = new Float32Array(1024);
    const shared = new Float32Array(64);
    const view = shared.subarray(16, 32);
    const weights: TorchWeights = new Map([
      ["owned", { shape: [1024], data: owned }],
      ["again", { shape: [1024], data: owned }],
      ["view", { shape: [16], data: view }],
    ]);
    releaseWeights(weights);
    expect(weights.size).toBe(0);
    // freed at once: the array is empty, its storage gone
    expect(owned.length).toBe(0);
    expect(owned.buffer.byteLength).toBe(0);
    // a view into a larger buffer is left to the collector: the buffer may be someone else's
    expect(view.length).toBe(16);
    expect(shared.length).toBe(64);
  });
});
