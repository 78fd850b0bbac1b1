import type { TorchWeights } from "./params.ts";
import { mulberry32 } from "./random.ts";

/** The value PyTorch starts a norm parameter at: adaILN's rho 0.9, ILN's rho 0, gamma 1, beta 0. */
function normInit(name: string): number | undefined {
  if (/^UpBlock1_\d+\.norm\d\.rho$/.test(name)) return 0.9;
  if (name.endsWith(".rho") || name.endsWith(".beta")) return 0;
  if (name.endsWith(".gamma")) return 1;
  return undefined;
}

/**
 * PyTorch's default initialisation for a set of parameter shapes: conv and linear weights (and biases)
 * uniform in ±1/√fan_in (kaiming_uniform with a = √5), norm parameters at their constructors' values.
 */
export function initialWeights(shapes: Map<string, number[]>, seed = 0): TorchWeights {
  const random = mulberry32(seed);
  const weights: TorchWeights = new Map();
  for (const [name, shape] of shapes) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const constant = normInit(name);
    if (constant !== undefined) {
      data.fill(constant);
    } else {
      const weightShape = name.endsWith(".bias") ? shapes.get(name.replace(/\.bias$/, ".weight")) : shape;
      const fanIn = (weightShape ?? shape).slice(1).reduce((a, b) => a * b, 1);
      const bound = 1 / Math.sqrt(fanIn);
      for (let i = 0; i < data.length; i++) data[i] = (random() * 2 - 1) * bound;
    }
    weights.set(name, { shape, data });
  }
  return weights;
}
