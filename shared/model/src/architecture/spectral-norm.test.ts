import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { TEST_BACKENDS, useBackend } from "../../../../test/helpers/backends.ts";
import { maxRelativeError, referenceCase } from "../../../../test/helpers/reference.ts";
import { clipRho } from "./rho-clipper.ts";
import { SpectralNorm } from "./spectral-norm.ts";

describe.each(TEST_BACKENDS)("spectral norm against torch.nn.utils.spectral_norm, on %s", (backend) => {
  it.each(["spectral_norm_conv", "spectral_norm_linear"])(
    "%s: eval uses the stored u, v; training iterates once",
    async (name) => {
      await useBackend(backend);
      const c = referenceCase(name);
      const p = c.params;
      const sn = new SpectralNorm(
        tf.tensor(p.weight_orig!.data, p.weight_orig!.shape),
        tf.tensor1d(p.weight_u!.data),
        tf.tensor1d(p.weight_v!.data),
      );
      const evalWeight = sn.weight(false);
      expect(maxRelativeError(await evalWeight.data(), c.outputs.weight_eval!.data, 1e-3).worst).toBeLessThan(
        1e-4,
      );
      // eval leaves the state alone
      expect(Array.from(await sn.u.data())).toEqual(Array.from(p.weight_u!.data));

      const trainWeight = sn.weight(true);
      expect(maxRelativeError(await sn.u.data(), c.outputs.weight_u!.data, 1e-3).worst).toBeLessThan(1e-4);
      expect(maxRelativeError(await sn.v.data(), c.outputs.weight_v!.data, 1e-3).worst).toBeLessThan(1e-4);
      expect(maxRelativeError(await trainWeight.data(), c.outputs.weight!.data, 1e-3).worst).toBeLessThan(
        1e-4,
      );
    },
  );
});

describe("RhoClipper", () => {
  it("clamps every rho to [0, 1] and leaves other parameters alone", async () => {
    await useBackend("cpu");
    const c = referenceCase("rho_clipper");
    const params = new Map<string, tf.Variable>([
      ["UpBlock2.3.rho", tf.variable(tf.tensor(c.inputs["iln.rho"]!.data))],
      ["UpBlock1_1.norm1.rho", tf.variable(tf.tensor(c.inputs["ada.rho"]!.data))],
      ["UpBlock2.3.gamma", tf.variable(tf.tensor([2, -1]))],
    ]);
    clipRho(params);
    expect(Array.from(await params.get("UpBlock2.3.rho")!.data())).toEqual(
      Array.from(c.outputs["iln.rho"]!.data),
    );
    expect(Array.from(await params.get("UpBlock1_1.norm1.rho")!.data())).toEqual(
      Array.from(c.outputs["ada.rho"]!.data),
    );
    expect(Array.from(await params.get("UpBlock2.3.gamma")!.data())).toEqual([2, -1]);
  });
});
