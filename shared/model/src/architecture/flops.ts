import type { GeneratorConfig } from "./config.ts";

/** Multiply-adds of one k×k convolution producing an h×w map. */
function convMacs(k: number, cin: number, cout: number, h: number, w: number): number {
  return k * k * cin * cout * h * w;
}

/** Multiply-adds of up-sampling a `source`² map ×2 and convolving it 3×3, or of its four 2×2 phases. */
function upMacs(cin: number, cout: number, source: number, phases: boolean): number {
  return phases ? 4 * convMacs(2, cin, cout, source, source) : convMacs(3, cin, cout, 2 * source, 2 * source);
}

/**
 * Multiply-adds of one generator forward on a side × side image (convolutions and linear layers;
 * norms and activations are a rounding error). 52.5 G for ngf 64, 4 blocks at 256²: the official model's,
 * each up-sampling a nearest ×2 then a 3×3 convolution. `phases` counts what the ONNX export runs instead:
 * each up-sampling as its four output phases, a 2×2 convolution each at the source's resolution (47.1 G).
 */
export function generatorMacs(config: GeneratorConfig, side: number, { phases = false } = {}): number {
  const { ngf, nBlocks, light } = config;
  const c = 4 * ngf;
  const [s1, s2, s4] = [side, side / 2, side / 4];
  const mlpIn = light ? c : c * s4 * s4;
  return (
    convMacs(7, 3, ngf, s1, s1) + // stem
    convMacs(3, ngf, 2 * ngf, s2, s2) + // down 1
    convMacs(3, 2 * ngf, c, s4, s4) + // down 2
    2 * nBlocks * convMacs(3, c, c, s4, s4) + // encoder
    convMacs(1, 2 * c, c, s4, s4) + // CAM conv1x1
    mlpIn * c +
    3 * c * c + // γ/β MLP
    2 * nBlocks * convMacs(3, c, c, s4, s4) + // decoder
    upMacs(c, 2 * ngf, s4, phases) + // up 1
    upMacs(2 * ngf, ngf, s2, phases) + // up 2
    convMacs(7, ngf, 3, s1, s1) // head
  );
}
