/** @module One iteration of the official UGATIT.py loop: the discriminator step, then the generator step. */
import * as tf from "@tensorflow/tfjs-core";
import type { Discriminator, DiscriminatorOutput } from "../architecture/discriminator.ts";
import { clipRho } from "../architecture/rho-clipper.ts";
import { ADAM_DEFAULTS, Adam } from "./adam.ts";
import { learningRate, type TrainingHyperparameters } from "./hyperparameters.ts";
import { bceWithLogitsTo, l1, mseTo } from "./losses.ts";
import type { Networks } from "./networks.ts";

/** The loss terms of one iteration, under the names the official loop's values are logged with. */
export interface IterationLosses {
  D_loss: number;
  D_loss_A: number;
  D_loss_B: number;
  G_loss: number;
  /** Σ over the domain's global and local discriminator of the LSGAN patch and CAM terms (unweighted). */
  G_adv_A: number;
  G_adv_B: number;
  G_cycle_A: number;
  G_cycle_B: number;
  G_identity_A: number;
  G_identity_B: number;
  G_cam_A: number;
  G_cam_B: number;
}

export const LOSS_NAMES = [
  "D_loss",
  "D_loss_A",
  "D_loss_B",
  "G_loss",
  "G_adv_A",
  "G_adv_B",
  "G_cycle_A",
  "G_cycle_B",
  "G_identity_A",
  "G_identity_B",
  "G_cam_A",
  "G_cam_B",
] as const satisfies readonly (keyof IterationLosses)[];

/** MSE(real, 1) + MSE(fake, 0) on the patch and the CAM logits of one discriminator. */
function discriminatorLoss(real: DiscriminatorOutput, fake: DiscriminatorOutput): tf.Scalar {
  return tf.addN([mseTo(real.out, 1), mseTo(fake.out, 0), mseTo(real.camLogit, 1), mseTo(fake.camLogit, 0)]);
}

/** MSE(fake, 1) on the patch and the CAM logits: the generator's side of LSGAN. */
function adversarialLoss(fake: DiscriminatorOutput): tf.Scalar {
  return tf.add(mseTo(fake.out, 1), mseTo(fake.camLogit, 1));
}

/**
 * Both optimisers and the iteration. Spectral norm runs one power iteration per discriminator forward
 * in exactly the official order, so the u, v state (and with it every later step) follows PyTorch's.
 */
export class UgatitTrainer {
  readonly gOptimizer: Adam;
  readonly dOptimizer: Adam;
  /** Iterations done so far. */
  iteration = 0;

  constructor(
    readonly networks: Networks,
    readonly hyper: TrainingHyperparameters,
  ) {
    const options = { ...ADAM_DEFAULTS, weightDecay: hyper.weightDecay };
    this.gOptimizer = new Adam(networks.params("G"), options);
    this.dOptimizer = new Adam(networks.params("D"), options);
  }

  /** One iteration on a batch of each domain ([B, H, W, 3] in [-1, 1]); returns its loss terms. */
  step(realA: tf.Tensor4D, realB: tf.Tensor4D): IterationLosses {
    const step = this.iteration + 1;
    const lr = learningRate(this.hyper, step);
    const d = this.dStep(realA, realB, lr);
    const g = this.gStep(realA, realB, lr);
    this.iteration = step;
    return { ...d, ...g };
  }

  private dStep(realA: tf.Tensor4D, realB: tf.Tensor4D, lr: number) {
    const { genA2B, genB2A } = this.networks.generators;
    const { disGA, disGB, disLA, disLB } = this.networks.discriminators;
    const w = this.hyper.advWeight;
    const terms: tf.Scalar[] = [];
    const { grads, value } = tf.tidy(() => {
      // The official D step runs the generators without detaching; their gradients are zeroed before use.
      const fakeA2B = genA2B.forward(realA).image;
      const fakeB2A = genB2A.forward(realB).image;
      return tf.variableGrads(() => {
        const run = (dis: Discriminator, x: tf.Tensor4D) => dis.forward(x, true);
        const realGA = run(disGA, realA);
        const realLA = run(disLA, realA);
        const realGB = run(disGB, realB);
        const realLB = run(disLB, realB);
        const fakeGA = run(disGA, fakeB2A);
        const fakeLA = run(disLA, fakeB2A);
        const fakeGB = run(disGB, fakeA2B);
        const fakeLB = run(disLB, fakeA2B);
        const lossA: tf.Scalar = tf.mul(
          tf.add(discriminatorLoss(realGA, fakeGA), discriminatorLoss(realLA, fakeLA)),
          w,
        );
        const lossB: tf.Scalar = tf.mul(
          tf.add(discriminatorLoss(realGB, fakeGB), discriminatorLoss(realLB, fakeLB)),
          w,
        );
        terms.push(tf.keep(lossA), tf.keep(lossB));
        return tf.add(lossA, lossB) as tf.Scalar;
      }, [...this.dOptimizer.params.values()]);
    });
    this.dOptimizer.apply(byParamName(this.dOptimizer.params, grads), lr);
    const [lossA, lossB] = terms.map((t) => t.dataSync()[0] as number);
    const total = value.dataSync()[0] as number;
    tf.dispose([...terms, value, ...Object.values(grads)]);
    return { D_loss: total, D_loss_A: lossA as number, D_loss_B: lossB as number };
  }

  private gStep(realA: tf.Tensor4D, realB: tf.Tensor4D, lr: number) {
    const { genA2B, genB2A } = this.networks.generators;
    const { disGA, disGB, disLA, disLB } = this.networks.discriminators;
    const h = this.hyper;
    const named: Record<string, tf.Scalar> = {};
    const { grads, value } = tf.variableGrads(() => {
      const fakeA2B = genA2B.forward(realA);
      const fakeB2A = genB2A.forward(realB);
      const fakeA2B2A = genB2A.forward(fakeA2B.image);
      const fakeB2A2B = genA2B.forward(fakeB2A.image);
      const fakeA2A = genB2A.forward(realA);
      const fakeB2B = genA2B.forward(realB);
      const fakeGA = disGA.forward(fakeB2A.image, true);
      const fakeLA = disLA.forward(fakeB2A.image, true);
      const fakeGB = disGB.forward(fakeA2B.image, true);
      const fakeLB = disLB.forward(fakeA2B.image, true);
      const terms = {
        G_adv_A: tf.add(adversarialLoss(fakeGA), adversarialLoss(fakeLA)),
        G_adv_B: tf.add(adversarialLoss(fakeGB), adversarialLoss(fakeLB)),
        G_cycle_A: l1(fakeA2B2A.image, realA),
        G_cycle_B: l1(fakeB2A2B.image, realB),
        G_identity_A: l1(fakeA2A.image, realA),
        G_identity_B: l1(fakeB2B.image, realB),
        G_cam_A: tf.add(bceWithLogitsTo(fakeB2A.camLogit, 1), bceWithLogitsTo(fakeA2A.camLogit, 0)),
        G_cam_B: tf.add(bceWithLogitsTo(fakeA2B.camLogit, 1), bceWithLogitsTo(fakeB2B.camLogit, 0)),
      };
      for (const [k, v] of Object.entries(terms)) named[k] = tf.keep(v as tf.Scalar);
      const side = (d: "A" | "B") =>
        tf.addN([
          tf.mul(terms[`G_adv_${d}`], h.advWeight),
          tf.mul(terms[`G_cycle_${d}`], h.cycleWeight),
          tf.mul(terms[`G_identity_${d}`], h.identityWeight),
          tf.mul(terms[`G_cam_${d}`], h.camWeight),
        ]);
      return tf.add(side("A"), side("B")) as tf.Scalar;
    }, [...this.gOptimizer.params.values()]);
    this.gOptimizer.apply(byParamName(this.gOptimizer.params, grads), lr);
    // RhoClipper(0, 1) on both generators after the step
    // clipRho leaves its clipped copies to the caller's scope
    tf.tidy(() => {
      for (const g of Object.values(this.networks.generators)) clipRho(g.params as Map<string, tf.Variable>);
    });
    const out: Record<string, number> = { G_loss: value.dataSync()[0] as number };
    for (const [k, v] of Object.entries(named)) out[k] = v.dataSync()[0] as number;
    tf.dispose([...Object.values(named), value, ...Object.values(grads)]);
    return out as Omit<IterationLosses, "D_loss" | "D_loss_A" | "D_loss_B">;
  }

  dispose(): void {
    this.gOptimizer.dispose();
    this.dOptimizer.dispose();
  }
}

/** variableGrads keys gradients by variable name; the optimisers key parameters by PyTorch name. */
function byParamName(params: Map<string, tf.Variable>, grads: tf.NamedTensorMap): Map<string, tf.Tensor> {
  const byVariable = new Map(Object.entries(grads));
  const out = new Map<string, tf.Tensor>();
  for (const [name, p] of params) {
    const g = byVariable.get(p.name);
    if (g) out.set(name, g);
  }
  return out;
}
