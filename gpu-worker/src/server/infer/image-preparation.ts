/**
 * @module Decoding and resizing uploads with bounded concurrency, off the event loop: libvips decodes in
 * libuv's threads, the PIL-exact resize runs in a small pool of worker threads, and at most `threads`
 * images are being prepared at once (each decoded upload can be tens of megabytes).
 */
import { type Resize, ResizePool } from "../../image/resize-pool.ts";

export class ImagePreparation {
  private readonly pool: ResizePool;
  private readonly waiting: (() => void)[] = [];
  private active = 0;

  constructor(readonly threads: number) {
    this.pool = new ResizePool(threads);
  }

  /** Runs one image's preparation once fewer than `threads` others are running. */
  async run<T>(prepare: () => Promise<T>): Promise<T> {
    while (this.active >= this.threads) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await prepare();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /** `resizeBilinear` on a pool thread. */
  get resize(): Resize {
    return this.pool.resize;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
