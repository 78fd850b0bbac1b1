import { readdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { DataType, OnnxGraph } from "@ugatit/model/onnx";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { withModelFiles } from "./model-file.ts";

const MODEL = { producerName: "test", producerVersion: "0", metadata: { kind: "test" } };

/** y = (x · W1) · W2 + b: two tensors large enough to go to the data file, one small enough to stay. */
function recording() {
  const g = new OnnxGraph("external");
  const floats = (n: number, k: number) =>
    new Uint8Array(Float32Array.from({ length: n }, (_, i) => (i % k) / k - 0.5).buffer);
  const x = g.input("x", DataType.FLOAT, [1, 4]);
  const w1 = g.initializer("w1", DataType.FLOAT, [4, 300], floats(1200, 7)); // 4,800 bytes
  const w2 = g.initializer("w2", DataType.FLOAT, [300, 2], floats(600, 11)); // 2,400 bytes
  const b = g.initializer("b", DataType.FLOAT, [2], floats(2, 3)); // 8 bytes
  const y = g.op("Add", [g.op("MatMul", [g.op("MatMul", [x, w1]), w2]), b]);
  g.output(y, "y", DataType.FLOAT, [1, 2]);
  return { graph: g, model: MODEL };
}

async function run(model: Uint8Array | string): Promise<Float32Array> {
  const session = await InferenceSession.create(model as string);
  try {
    const out = await session.run({ x: new Tensor("float32", Float32Array.of(1, -2, 3, 0.5), [1, 4]) });
    return out.y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe("withModelFiles", () => {
  it("writes the graph with its large tensors as page-aligned external data, which ONNX Runtime reads", async () => {
    const r = recording();
    const inline = await run(r.graph.toModel(r.model));
    let folder = "";
    const fromFiles = await withModelFiles(r, async (path) => {
      folder = dirname(path);
      expect((await readdir(folder)).sort()).toEqual(["model.onnx", "model.onnx.data"]);
      // w1 (4,800 bytes) at 0, w2 at the next page boundary (8,192), b inline
      expect((await stat(`${folder}/model.onnx.data`)).size).toBe(8192 + 2400);
      expect((await stat(path)).size).toBeLessThan(1024);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      return run(path);
    });
    expect(Array.from(fromFiles)).toEqual(Array.from(inline));
    await expect(stat(folder)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("removes the folder when the session cannot be made", async () => {
    let folder = "";
    await expect(
      withModelFiles(recording(), async (path) => {
        folder = dirname(path);
        throw new Error("no session");
      }),
    ).rejects.toThrow("no session");
    await expect(stat(folder)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
