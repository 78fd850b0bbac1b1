/**
 * @module A small, fixed judge of "which domain does this image look like": logistic regression on a
 * colour histogram and a few texture statistics of the non-white pixels. The demo's CI check uses it to
 * see that translations move toward the target domain.
 */

/** Channel levels per histogram axis: 4³ colour bins. */
const LEVELS = 4;
const WHITE = 245;

/**
 * Features of an RGB image (size × size): the colour histogram of its non-white pixels, the share of
 * non-white pixels, their flatness (neighbours within 2 levels), mean gradient and mean saturation.
 */
export function imageFeatures(rgb: Uint8Array, size: number): number[] {
  const histogram = new Array<number>(LEVELS ** 3).fill(0);
  let [foreground, flat, gradient, saturation] = [0, 0, 0, 0];
  for (let y = 0; y < size - 1; y++) {
    for (let x = 0; x < size - 1; x++) {
      const i = (y * size + x) * 3;
      const [r, g, b] = [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!];
      if (r > WHITE && g > WHITE && b > WHITE) continue;
      foreground++;
      const bin = (v: number) => Math.min(LEVELS - 1, Math.floor((v * LEVELS) / 256));
      histogram[bin(r) * LEVELS * LEVELS + bin(g) * LEVELS + bin(b)]! += 1;
      const [max, min] = [Math.max(r, g, b), Math.min(r, g, b)];
      saturation += max ? (max - min) / max : 0;
      let d = 0;
      for (let c = 0; c < 3; c++) {
        d = Math.max(
          d,
          Math.abs(rgb[i + c]! - rgb[i + 3 + c]!),
          Math.abs(rgb[i + c]! - rgb[i + size * 3 + c]!),
        );
      }
      if (d <= 2) flat++;
      gradient += d / 255;
    }
  }
  const n = Math.max(foreground, 1);
  return [
    ...histogram.map((h) => h / n),
    foreground / (size - 1) ** 2,
    flat / n,
    gradient / n,
    saturation / n,
  ];
}

export interface DomainClassifier {
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

/** P(domain B) for a feature vector. */
export function probabilityB(c: DomainClassifier, features: number[]): number {
  const z = features.reduce((s, f, i) => s + c.weights[i]! * ((f - c.mean[i]!) / c.scale[i]!), c.bias);
  return 1 / (1 + Math.exp(-z));
}

/** L2-regularised logistic regression by full-batch gradient descent on standardised features. */
export function fitDomainClassifier(
  a: number[][],
  b: number[][],
  epochs = 2000,
  lr = 0.5,
  l2 = 1e-3,
): DomainClassifier {
  const all = [...a, ...b];
  const dims = all[0]?.length ?? 0;
  const mean = Array.from({ length: dims }, (_, j) => all.reduce((s, f) => s + f[j]!, 0) / all.length);
  const scale = Array.from({ length: dims }, (_, j) => {
    const v = all.reduce((s, f) => s + (f[j]! - mean[j]!) ** 2, 0) / all.length;
    return Math.sqrt(v) || 1;
  });
  const c: DomainClassifier = { mean, scale, weights: new Array<number>(dims).fill(0), bias: 0 };
  const samples = [...a.map((f) => [f, 0] as const), ...b.map((f) => [f, 1] as const)];
  for (let e = 0; e < epochs; e++) {
    const grad = new Array<number>(dims).fill(0);
    let gradBias = 0;
    for (const [f, label] of samples) {
      const err = probabilityB(c, f) - label;
      for (let j = 0; j < dims; j++) grad[j]! += err * ((f[j]! - mean[j]!) / scale[j]!);
      gradBias += err;
    }
    for (let j = 0; j < dims; j++) c.weights[j]! -= lr * (grad[j]! / samples.length + l2 * c.weights[j]!);
    c.bias -= (lr * gradBias) / samples.length;
  }
  return c;
}
