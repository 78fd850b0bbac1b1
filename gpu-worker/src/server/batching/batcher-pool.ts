import type { Direction } from "@ugatit/contracts/protocol";
import type { RgbImage, Translation, Translator } from "../../runtime/translator.ts";
import { type BatcherOptions, ComputeGate, DynamicBatcher } from "./dynamic-batcher.ts";

/** One dynamic batcher per model and direction, all sharing one compute gate. */
export class BatcherPool {
  private readonly batchers = new Map<string, DynamicBatcher<RgbImage, Translation>>();
  private readonly gate = new ComputeGate();
  /** Recent compute time per image, for Retry-After estimates. */
  private secondsPerImage = 1;

  constructor(private readonly options: BatcherOptions) {}

  get(modelId: string, direction: Direction, translator: Translator): DynamicBatcher<RgbImage, Translation> {
    const key = `${modelId} ${direction}`;
    let batcher = this.batchers.get(key);
    if (!batcher) {
      batcher = new DynamicBatcher(
        this.options,
        async (images) => {
          const started = performance.now();
          const results = await translator.translate(images);
          this.secondsPerImage = (performance.now() - started) / 1000 / images.length;
          return results;
        },
        this.gate,
        () => Math.max(1, Math.ceil(this.totalDepth() * this.secondsPerImage)),
      );
      this.batchers.set(key, batcher);
    }
    return batcher;
  }

  totalDepth(): number {
    let depth = 0;
    for (const b of this.batchers.values()) depth += b.depth;
    return depth;
  }

  /** Queue depth per model and direction. */
  depths(): { modelId: string; direction: string; depth: number }[] {
    return [...this.batchers].map(([key, b]) => {
      const [modelId, direction] = key.split(" ") as [string, string];
      return { modelId, direction, depth: b.depth };
    });
  }

  /** Resolves once every batcher is idle. */
  async idle(): Promise<void> {
    await Promise.all([...this.batchers.values()].map((b) => b.idle()));
  }
}
