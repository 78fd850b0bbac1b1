/**
 * @module PIL-exact resizing off the event loop: a small fixed pool of worker threads, each resizing one
 * image at a time, so that large uploads do not stall the server's other requests (health checks included).
 */
import { Worker } from "node:worker_threads";

/** PIL-exact bilinear resizing of interleaved RGB, as `resizeBilinear`, wherever it runs. */
export type Resize = (
  rgb: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
) => Promise<Uint8Array>;

/** One resize as a thread receives it. */
export interface ResizeTask {
  id: number;
  rgb: Uint8Array;
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
}

type Answer = { id: number; rgb: Uint8Array } | { id: number; error: string };

interface Pending {
  resolve: (rgb: Uint8Array) => void;
  reject: (error: Error) => void;
}

const THREAD = new URL("./resize-thread.ts", import.meta.url);

/** A thread and the task it is on. */
interface Slot {
  worker: Worker;
  busy: boolean;
}

export class ResizePool {
  private readonly slots: Slot[] = [];
  private readonly waiting: (() => void)[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  readonly size: number;

  constructor(size: number) {
    this.size = size;
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`ResizePool: ${size} threads`);
  }

  /** `resizeBilinear` in a pool thread; the input buffer is copied, the output transferred back. */
  readonly resize: Resize = async (rgb, width, height, outWidth, outHeight) => {
    const slot = await this.take();
    try {
      return await new Promise<Uint8Array>((resolve, reject) => {
        const id = this.nextId++;
        this.pending.set(id, { resolve, reject });
        const task: ResizeTask = { id, rgb, width, height, outWidth, outHeight };
        slot.worker.postMessage(task);
      });
    } finally {
      this.give(slot);
    }
  };

  /** Ends every thread; pending resizes fail. */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private async take(): Promise<Slot> {
    for (;;) {
      const free = this.slots.find((s) => !s.busy);
      if (free) {
        free.busy = true;
        return free;
      }
      if (this.slots.length < this.size) {
        const slot = { worker: this.spawn(), busy: true };
        this.slots.push(slot);
        return slot;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private give(slot: Slot): void {
    slot.busy = false;
    this.waiting.shift()?.();
  }

  private spawn(): Worker {
    // The thread runs the TypeScript sources as the process does, through tsx.
    const worker = new Worker(THREAD, { execArgv: ["--import", "tsx"] });
    // An idle pool must not keep the process alive.
    worker.unref();
    worker.on("message", (answer: Answer) => {
      const pending = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      if ("error" in answer) pending?.reject(new RangeError(answer.error));
      else pending?.resolve(answer.rgb);
    });
    worker.on("error", (error) => {
      for (const [id, pending] of this.pending) {
        this.pending.delete(id);
        pending.reject(error);
      }
      const at = this.slots.findIndex((s) => s.worker === worker);
      if (at >= 0) this.slots.splice(at, 1);
    });
    return worker;
  }
}
