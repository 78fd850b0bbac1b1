import { resolve } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { TEST_BACKENDS, useBackend } from "../../../../test/helpers/backends.ts";
import {
  FIXTURES,
  maxRelativeError,
  maxScaledError,
  referenceCase,
  toNhwc,
} from "../../../../test/helpers/reference.ts";
import { type DiscriminatorName, loadDiscriminator } from "../checkpoints/index.ts";
import { Discriminator } from "./discriminator.ts";

const CHECKPOINT = resolve(FIXTURES, "ugatit-parity/light64.pt");
const NAMES: DiscriminatorName[] = ["disGA", "disGB", "disLA", "disLB"];

async function discriminator(
  name: DiscriminatorName,
  uv?: Record<string, { data: Float32Array; shape: number[] }>,
) {
  const { config, weights } = await loadDiscriminator(CHECKPOINT, name);
  // the "warm" cases replace the checkpoint's never-iterated u, v by converged ones
  for (const [key, value] of Object.entries(uv ?? {})) weights.set(key, value);
  return new Discriminator(config, weights);
}

function input(c: ReturnType<typeof referenceCase>) {
  const x = toNhwc(c.inputs.x!);
  return tf.tensor4d(x.data, x.shape);
}

describe.each(TEST_BACKENDS)("discriminators against the official code, on %s", (backend) => {
  it.each(NAMES)("%s: inference forward with converged spectral norms", async (name) => {
    await useBackend(backend);
    const c = referenceCase(`${name}_eval_warm`);
    const d = await discriminator(name, c.params);
    const out = d.forward(input(c));
    for (const [key, actual] of [
      ["out", out.out],
      ["cam_logit", out.camLogit],
      ["heatmap", out.heatmap],
    ] as const) {
      const expected = c.outputs[key]!;
      const e = expected.shape.length === 4 ? toNhwc(expected).data : expected.data;
      expect(maxRelativeError(await actual.data(), e, 1e-3).worst, `${name} ${key}`).toBeLessThan(1e-4);
    }
    d.dispose();
  });

  it.each(NAMES)("%s: inference forward with the checkpoint's own (ill-conditioned) u, v", async (name) => {
    await useBackend(backend);
    const c = referenceCase(`${name}_eval`);
    const d = await discriminator(name);
    const out = d.forward(input(c));
    // σ is tiny here, so outputs reach 1e12: compare relative to the largest value
    expect(maxScaledError(await out.out.data(), toNhwc(c.outputs.out!).data)).toBeLessThan(1e-3);
    expect(maxScaledError(await out.camLogit.data(), c.outputs.cam_logit!.data)).toBeLessThan(1e-3);
    d.dispose();
  });

  it.each(NAMES)("%s: a training forward runs one power iteration per layer first", async (name) => {
    await useBackend(backend);
    const c = referenceCase(`${name}_train`);
    const d = await discriminator(name);
    const out = d.forward(input(c), true);
    for (const [module, sn] of d.sn) {
      expect(
        maxRelativeError(await sn.u.data(), c.outputs[`${module}.weight_u`]!.data, 1e-3).worst,
        `${module} u`,
      ).toBeLessThan(1e-4);
      expect(
        maxRelativeError(await sn.v.data(), c.outputs[`${module}.weight_v`]!.data, 1e-3).worst,
        `${module} v`,
      ).toBeLessThan(1e-4);
    }
    expect(maxRelativeError(await out.out.data(), toNhwc(c.outputs.out!).data, 1e-3).worst).toBeLessThan(
      1e-4,
    );
    expect(maxRelativeError(await out.camLogit.data(), c.outputs.cam_logit!.data, 1e-3).worst).toBeLessThan(
      1e-4,
    );
    expect(
      maxRelativeError(await out.heatmap.data(), toNhwc(c.outputs.heatmap!).data, 1e-3).worst,
    ).toBeLessThan(1e-4);
    d.dispose();
  });
});
