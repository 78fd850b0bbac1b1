/** @module The six networks of U-GAT-IT training, their parameters as trainable TF.js variables. */
import * as tf from "@tensorflow/tfjs-core";
import type { DiscriminatorConfig, GeneratorConfig } from "../architecture/config.ts";
import { Discriminator } from "../architecture/discriminator.ts";
import { Generator } from "../architecture/generator.ts";
import { type TorchWeights, toTfLayout, toTorchLayout } from "../architecture/params.ts";
import { SpectralNorm } from "../architecture/spectral-norm.ts";

export const GENERATORS = ["genA2B", "genB2A"] as const;
export const DISCRIMINATORS = ["disGA", "disGB", "disLA", "disLB"] as const;
export type GeneratorName = (typeof GENERATORS)[number];
export type DiscriminatorName = (typeof DISCRIMINATORS)[number];
export type NetworkName = GeneratorName | DiscriminatorName;

/** Official checkpoint layout: network name → PyTorch state_dict. */
export type NetworkWeights = Map<NetworkName, TorchWeights>;

/** Global discriminators have 7 layers, local ones 5, all with ndf = the generators' ngf (`--ch`). */
export function discriminatorConfig(name: DiscriminatorName, ch: number): DiscriminatorConfig {
  return { ndf: ch, nLayers: name.startsWith("disG") ? 7 : 5 };
}

/** A generator whose parameters are trainable variables (the Generator API takes any tensors). */
function trainableGenerator(config: GeneratorConfig, weights: TorchWeights): Generator {
  const params = new Map<string, tf.Tensor>();
  for (const [name, t] of weights) {
    const tensor = toTfLayout(name, t);
    params.set(name, tf.variable(tensor, true));
    tensor.dispose();
  }
  return new Generator(config, params);
}

/** A discriminator whose weight_orig, biases and conv1x1 are trainable variables; u, v stay state. */
function trainableDiscriminator(config: DiscriminatorConfig, weights: TorchWeights): Discriminator {
  const d = new Discriminator(config, weights);
  for (const [name, t] of d.params) {
    d.params.set(name, tf.variable(t, true));
    t.dispose();
  }
  for (const [module, sn] of d.sn) {
    d.sn.set(module, new SpectralNorm(tf.variable(sn.weightOrig, true), sn.u, sn.v));
    sn.weightOrig.dispose();
    sn.dispose();
  }
  return d;
}

/** The trainable parameters of a network by PyTorch name (`model.1.weight_orig`, `FC.0.weight`, …). */
export function trainableParams(network: Generator | Discriminator): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  if (network instanceof Generator) {
    for (const [name, t] of network.params) out.set(name, t as tf.Variable);
  } else {
    for (const [module, sn] of network.sn) out.set(`${module}.weight_orig`, sn.weightOrig as tf.Variable);
    for (const [name, t] of network.params) out.set(name, t as tf.Variable);
  }
  return out;
}

export class Networks {
  private constructor(
    readonly config: GeneratorConfig,
    readonly generators: Record<GeneratorName, Generator>,
    readonly discriminators: Record<DiscriminatorName, Discriminator>,
  ) {}

  /** From an official checkpoint's six state_dicts; the discriminators' width is the generators' ngf. */
  static fromWeights(config: GeneratorConfig, weights: NetworkWeights): Networks {
    const get = (name: NetworkName) => {
      const w = weights.get(name);
      if (!w) throw new Error(`the checkpoint has no ${name}`);
      return w;
    };
    const gens = Object.fromEntries(GENERATORS.map((n) => [n, trainableGenerator(config, get(n))]));
    const diss = Object.fromEntries(
      DISCRIMINATORS.map((n) => [n, trainableDiscriminator(discriminatorConfig(n, config.ngf), get(n))]),
    );
    return new Networks(
      config,
      gens as Record<GeneratorName, Generator>,
      diss as Record<DiscriminatorName, Discriminator>,
    );
  }

  /** Parameters of a group, keyed `genA2B.FC.0.weight`, in the official optimisers' order. */
  params(group: "G" | "D"): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    const names = group === "G" ? GENERATORS : DISCRIMINATORS;
    for (const n of names) {
      const network =
        group === "G" ? this.generators[n as GeneratorName] : this.discriminators[n as DiscriminatorName];
      for (const [name, p] of trainableParams(network)) out.set(`${n}.${name}`, p);
    }
    return out;
  }

  /** Everything a PyTorch checkpoint holds, in PyTorch layouts and the given key order per network. */
  async toWeights(shapes: Map<NetworkName, Map<string, number[]>>): Promise<NetworkWeights> {
    const out: NetworkWeights = new Map();
    for (const n of GENERATORS) {
      const dict: TorchWeights = new Map();
      for (const [name, shape] of shapes.get(n) ?? []) {
        const t = this.generators[n].params.get(name);
        if (!t) throw new Error(`${n} has no ${name}`);
        dict.set(name, await toTorchLayout(name, t, shape));
      }
      out.set(n, dict);
    }
    for (const n of DISCRIMINATORS) {
      const d = this.discriminators[n];
      const dict: TorchWeights = new Map();
      for (const [name, shape] of shapes.get(n) ?? []) {
        const [, module, part] = /^(.*)\.(weight_orig|weight_u|weight_v)$/.exec(name) ?? [];
        const sn = module ? d.sn.get(module) : undefined;
        let t: tf.Tensor | undefined;
        if (sn) t = part === "weight_orig" ? sn.weightOrig : part === "weight_u" ? sn.u : sn.v;
        else t = d.params.get(name);
        if (!t) throw new Error(`${n} has no ${name}`);
        // weight_orig is kept in PyTorch's layout already; the rest go through the layout mapping.
        const data = sn ? new Float32Array(await t.data()) : undefined;
        dict.set(name, data ? { shape, data } : await toTorchLayout(name, t, shape));
      }
      out.set(n, dict);
    }
    return out;
  }

  dispose(): void {
    for (const g of Object.values(this.generators)) g.dispose();
    for (const d of Object.values(this.discriminators)) d.dispose();
  }
}
