import { resolve } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { TEST_BACKENDS, useBackend } from "../../../../test/helpers/backends.ts";
import { FIXTURES, maxRelativeError, referenceCase, toNhwc } from "../../../../test/helpers/reference.ts";
import { loadGenerator } from "../checkpoints/index.ts";
import { Generator } from "./generator.ts";

const CHECKPOINT = resolve(FIXTURES, "ugatit-parity/light64.pt");

describe.each(TEST_BACKENDS)("generator, on %s", (backend) => {
  it("a light model runs a non-square batch of 2 at 96×80 as the official code does", async () => {
    await useBackend(backend);
    const c = referenceCase("genA2B_light_96x80");
    const { config, weights } = await loadGenerator(CHECKPOINT, "A2B");
    const g = Generator.fromTorch(config, weights);
    const x = toNhwc(c.inputs.x!);
    const out = g.forward(tf.tensor4d(x.data, x.shape));
    expect(out.image.shape).toEqual([2, 96, 80, 3]);
    expect(out.heatmap.shape).toEqual([2, 24, 20, 1]);
    expect(maxRelativeError(await out.image.data(), toNhwc(c.outputs.out!).data, 1e-2).worst).toBeLessThan(
      1e-3,
    );
    expect(maxRelativeError(await out.camLogit.data(), c.outputs.cam_logit!.data).worst).toBeLessThan(1e-4);
    expect(
      maxRelativeError(await out.heatmap.data(), toNhwc(c.outputs.heatmap!).data, 1e-3).worst,
    ).toBeLessThan(1e-4);
    g.dispose();
  });

  it("each image's result is the same whether it runs alone or in a batch", async () => {
    await useBackend(backend);
    const c = referenceCase("genA2B_light_96x80");
    const { config, weights } = await loadGenerator(CHECKPOINT, "A2B");
    const g = Generator.fromTorch(config, weights);
    const x = toNhwc(c.inputs.x!);
    const batch = tf.tensor4d(x.data, x.shape);
    const together = g.forward(batch);
    const [first, second] = tf.split(batch, 2) as [tf.Tensor4D, tf.Tensor4D];
    const alone = [g.forward(second), g.forward(first)]; // reversed order too
    const half = together.image.size / 2;
    const all = await together.image.data();
    expect(Array.from(await alone[1]!.image.data())).toEqual(Array.from(all.subarray(0, half)));
    expect(Array.from(await alone[0]!.image.data())).toEqual(Array.from(all.subarray(half)));
    const cams = await together.camLogit.data();
    expect(Array.from(await alone[0]!.camLogit.data())).toEqual(Array.from(cams.subarray(2)));
    g.dispose();
  });
});
