import type { GeneratorConfig } from "@ugatit/shared/model";
import { ONNX_INPUT, ONNX_OUTPUTS } from "@ugatit/shared/onnx";
import { Tensor } from "onnxruntime-node";
import { toModelBatch, toTranslations } from "../inference/model-io.ts";
import type { Direction, RgbImage, Translation, Translator } from "../inference/translator.ts";
import { createSession, type ExecutionProvider, type OnnxSession } from "./session.ts";

/** [N, H, W, C] → [N, C, H, W], or back with `toChannelsLast`. */
function transposeChannels(data: Float32Array, n: number, hw: number, c: number, toChannelsLast = false) {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) {
    const base = b * hw * c;
    for (let p = 0; p < hw; p++) {
      for (let k = 0; k < c; k++) {
        const last = base + p * c + k;
        const first = base + k * hw + p;
        if (toChannelsLast) out[last] = data[first] as number;
        else out[first] = data[last] as number;
      }
    }
  }
  return out;
}

/** A generator exported to ONNX, on ONNX Runtime's best present execution provider. */
export class OnnxTranslator implements Translator {
  readonly backend = "onnx";

  private constructor(
    readonly config: GeneratorConfig,
    readonly direction: Direction,
    readonly size: number,
    private readonly onnx: OnnxSession,
  ) {}

  /** The provider running it: `tensorrt`, `cuda` or `cpu`. */
  get executionProvider(): ExecutionProvider {
    return this.onnx.provider;
  }

  /** A session over an exported model: its bytes, or the path of an `.onnx` file. */
  static async create(
    config: GeneratorConfig,
    direction: Direction,
    size: number,
    model: Uint8Array | string,
  ): Promise<OnnxTranslator> {
    return new OnnxTranslator(config, direction, size, await createSession(model));
  }

  async translate(inputs: RgbImage[]): Promise<Translation[]> {
    const { size } = this;
    const n = inputs.length;
    const hw = size * size;
    const nchw = transposeChannels(toModelBatch(inputs, size), n, hw, 3);
    const out = await this.onnx.session.run({
      [ONNX_INPUT]: new Tensor("float32", nchw, [n, 3, size, size]),
    });
    const [image, camLogit, heatmap] = ONNX_OUTPUTS.map((name) => out[name]?.data as Float32Array);
    return toTranslations(n, size, transposeChannels(image!, n, hw, 3, true), camLogit!, heatmap!);
  }

  dispose(): void {
    // the native session frees its memory when released; a failure there leaves nothing to do
    this.onnx.session.release().catch(() => undefined);
  }
}
