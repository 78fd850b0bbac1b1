import type { Direction } from "@ugatit/contracts/directions";
import { toChannelsFirst, toChannelsLast } from "@ugatit/contracts/image";
import { type GeneratorConfig, imageProcessingFor } from "@ugatit/model/architecture";
import { ONNX_INPUT, ONNX_OUTPUTS } from "@ugatit/model/onnx";
import { Tensor } from "onnxruntime-node";
import { toModelBatch, toTranslations } from "../model-io.ts";
import type { Precision, RgbImage, Translation, Translator } from "../translator.ts";
import type { ExecutionProvider } from "./providers.ts";
import { createSession, type OnnxSession, type SessionChoices } from "./session.ts";

/** A generator exported to ONNX, on WebGPU or on ONNX Runtime's best present execution provider. */
export class OnnxTranslator implements Translator {
  private constructor(
    readonly config: GeneratorConfig,
    readonly direction: Direction,
    readonly size: number,
    private readonly onnx: OnnxSession,
    readonly backend: "onnx" | "webgpu",
    readonly precision: Precision,
  ) {}

  /** The provider running it: `tensorrt`, `cuda`, `cpu` or `webgpu`. */
  get executionProvider(): ExecutionProvider {
    return this.onnx.provider;
  }

  /**
   * A session over an exported model (its bytes, or the path of an `.onnx` file) whose precision is
   * given. A full model's float32 weights are not packed (see {@link SessionChoices.prepack}): its 1 GB
   * fully connected layer then needs no second copy, and a batched image may differ from the same image
   * alone by about 1e-6; light and int8 models are packed, batched bit for bit as alone.
   */
  static async create(
    config: GeneratorConfig,
    direction: Direction,
    size: number,
    model: Uint8Array | string,
    backend: "onnx" | "webgpu",
    precision: Precision,
    int8 = false,
  ): Promise<OnnxTranslator> {
    const prepack = config.light || int8;
    const session = await createSession(model, { webgpu: backend === "webgpu", prepack });
    return new OnnxTranslator(config, direction, size, session, backend, precision);
  }

  async translate(inputs: RgbImage[]): Promise<Translation[]> {
    const { size } = this;
    const n = inputs.length;
    const hw = size * size;
    const processing = imageProcessingFor(this.config);
    const nchw = toChannelsFirst(toModelBatch(inputs, size, processing), n, hw, 3);
    const out = await this.onnx.session.run({
      [ONNX_INPUT]: new Tensor("float32", nchw, [n, 3, size, size]),
    });
    const [image, camLogit, heatmap] = ONNX_OUTPUTS.map((name) => out[name]?.data as Float32Array);
    return toTranslations(n, size, toChannelsLast(image!, n, hw, 3), camLogit!, heatmap!, processing);
  }

  dispose(): void {
    // the native session frees its memory when released; a failure there leaves nothing to do
    this.onnx.session.release().catch(() => undefined);
  }
}
