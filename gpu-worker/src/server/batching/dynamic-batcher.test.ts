import { describe, expect, it } from "vitest";
import { ComputeGate, DroppedError, DynamicBatcher, QueueFullError } from "./dynamic-batcher.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function recorder(delayMs = 0) {
  const batches: number[][] = [];
  const run = async (items: number[]) => {
    batches.push(items);
    await sleep(delayMs);
    return items.map((x) => x * 10);
  };
  return { batches, run };
}

describe("DynamicBatcher", () => {
  it("starts a batch as soon as max_batch requests wait", async () => {
    const { batches, run } = recorder();
    const b = new DynamicBatcher({ maxBatch: 3, maxDelayMs: 10_000, queueLimit: 10 }, run);
    const out = await Promise.all([1, 2, 3].map((x) => b.submit(x)));
    expect(out.map((o) => [o.result, o.batchSize])).toEqual([
      [10, 3],
      [20, 3],
      [30, 3],
    ]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it("starts a smaller batch once the first request has waited max_delay_ms", async () => {
    const { batches, run } = recorder();
    const b = new DynamicBatcher({ maxBatch: 8, maxDelayMs: 30, queueLimit: 10 }, run);
    const started = performance.now();
    const [a] = await Promise.all([b.submit(1), b.submit(2)]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(a.batchSize).toBe(2);
    expect(batches).toEqual([[1, 2]]);
  });

  it("what arrives while a batch computes forms the next batch", async () => {
    const { batches, run } = recorder(50);
    const b = new DynamicBatcher({ maxBatch: 4, maxDelayMs: 0, queueLimit: 10 }, run);
    const first = b.submit(1);
    await sleep(10);
    const rest = [2, 3, 4].map((x) => b.submit(x));
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it("counts an admitted request against the limit before it is queued, until it is released", async () => {
    const { batches, run } = recorder();
    const b = new DynamicBatcher({ maxBatch: 8, maxDelayMs: 10, queueLimit: 2 }, run);
    const first = b.admit();
    const second = b.admit();
    expect(b.depth).toBe(2);
    expect(() => b.admit()).toThrow(QueueFullError);
    await expect(b.submit(9)).rejects.toBeInstanceOf(QueueFullError);
    second.release();
    second.release(); // a second release gives back nothing more
    expect(b.depth).toBe(1);
    const third = b.admit();
    expect(() => b.admit()).toThrow(QueueFullError);
    const out = await Promise.all([first.submit(1), third.submit(3)]);
    expect(out.map((o) => o.result)).toEqual([10, 30]);
    expect(batches).toEqual([[1, 3]]);
    expect(b.depth).toBe(0);
  });

  it("is idle only once every admitted request is queued and done, or released", async () => {
    const { run } = recorder();
    const b = new DynamicBatcher({ maxBatch: 8, maxDelayMs: 0, queueLimit: 4 }, run);
    const admission = b.admit();
    let idle = false;
    const waiting = b.idle().then(() => {
      idle = true;
    });
    await sleep(20);
    expect(idle).toBe(false);
    admission.release();
    await waiting;
    expect(idle).toBe(true);
  });

  it("refuses beyond the queue limit with a retry estimate", async () => {
    const { run } = recorder();
    const b = new DynamicBatcher(
      { maxBatch: 8, maxDelayMs: 50, queueLimit: 2 },
      run,
      new ComputeGate(),
      () => 7,
    );
    const queued = [b.submit(1), b.submit(2)];
    await expect(b.submit(3)).rejects.toEqual(new QueueFullError(7));
    await Promise.all(queued);
  });

  it("drops a request whose signal aborts while queued; it never reaches the model", async () => {
    const { batches, run } = recorder();
    const b = new DynamicBatcher({ maxBatch: 8, maxDelayMs: 40, queueLimit: 10 }, run);
    const controller = new AbortController();
    const dropped = b.submit(1, controller.signal);
    const kept = b.submit(2);
    controller.abort("gone");
    await expect(dropped).rejects.toBeInstanceOf(DroppedError);
    await kept;
    expect(batches).toEqual([[2]]);
    await expect(b.submit(3, AbortSignal.abort())).rejects.toBeInstanceOf(DroppedError);
  });

  it("runs one batch at a time across batchers sharing a gate, and reports idle", async () => {
    let running = 0;
    let most = 0;
    const run = async (items: number[]) => {
      running++;
      most = Math.max(most, running);
      await sleep(20);
      running--;
      return items;
    };
    const gate = new ComputeGate();
    const a = new DynamicBatcher({ maxBatch: 1, maxDelayMs: 0, queueLimit: 10 }, run, gate);
    const c = new DynamicBatcher({ maxBatch: 1, maxDelayMs: 0, queueLimit: 10 }, run, gate);
    const all = Promise.all([a.submit(1), c.submit(2), a.submit(3), c.submit(4)]);
    await Promise.all([a.idle(), c.idle()]);
    await all;
    expect(most).toBe(1);
  });

  it("a failing batch rejects each of its requests", async () => {
    const b = new DynamicBatcher({ maxBatch: 2, maxDelayMs: 0, queueLimit: 10 }, async () => {
      throw new Error("model failed");
    });
    await expect(b.submit(1)).rejects.toThrow("model failed");
  });
});
