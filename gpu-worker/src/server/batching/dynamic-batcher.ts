/** Requests for one model and direction, coalesced into batches. */

export interface BatcherOptions {
  /** Largest batch handed to the model. */
  maxBatch: number;
  /** How long the first request of a batch waits for others. */
  maxDelayMs: number;
  /** Requests waiting beyond this many are refused at once. */
  queueLimit: number;
}

export class QueueFullError extends Error {
  override name = "QueueFullError";
  constructor(readonly retryAfterSeconds: number) {
    super("the inference queue is full");
  }
}

/** A request's signal aborted before its batch started: the deadline passed, or the client went away. */
export class DroppedError extends Error {
  override name = "DroppedError";
  constructor(readonly reason: unknown) {
    super("the request was dropped before compute");
  }
}

export interface BatchOutcome<O> {
  result: O;
  batchSize: number;
  queuedMs: number;
  computeMs: number;
}

/** A place in a batcher's queue, held from admission until the request is queued or given up. */
export interface Admission<I, O> {
  /** Queues the prepared request in the place held. */
  submit(item: I, signal?: AbortSignal): Promise<BatchOutcome<O>>;
  /** Gives the place back (the request failed before it was queued); a no-op after `submit`. */
  release(): void;
}

interface Entry<I, O> {
  item: I;
  signal: AbortSignal | undefined;
  enqueuedAt: number;
  resolve: (outcome: BatchOutcome<O>) => void;
  reject: (error: unknown) => void;
  onAbort: () => void;
}

/** One compute at a time across all batchers: the backend is one device. */
export class ComputeGate {
  private tail: Promise<void> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/**
 * Dynamic batching: a batch starts when `maxBatch` requests wait or the first has waited `maxDelayMs`,
 * whichever comes first. Requests whose signal aborts while queued never reach the model.
 */
export class DynamicBatcher<I, O> {
  private readonly queue: Entry<I, O>[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing = false;
  private idleWaiters: (() => void)[] = [];
  private inFlight = 0;
  private admitted = 0;

  constructor(
    private readonly options: BatcherOptions,
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly gate: ComputeGate = new ComputeGate(),
    /** Estimated seconds to clear the queue, for Retry-After. */
    private readonly retryAfter: () => number = () => 1,
  ) {}

  /** Requests admitted and not yet in a batch: those still being prepared and those waiting. */
  get depth(): number {
    return this.queue.length + this.admitted;
  }

  /**
   * Takes a place in the queue before any work on the request, so that a burst cannot all pass the check
   * and then read and decode; throws {@link QueueFullError} when none is left.
   */
  admit(): Admission<I, O> {
    if (this.depth >= this.options.queueLimit) throw new QueueFullError(this.retryAfter());
    this.admitted++;
    let held = true;
    const leave = () => {
      if (held) this.admitted--;
      held = false;
    };
    return {
      submit: (item, signal) => {
        if (!held) return Promise.reject(new Error("this admission was already used or released"));
        leave();
        return this.enqueue(item, signal);
      },
      release: () => {
        leave();
        this.notifyIdle();
      },
    };
  }

  submit(item: I, signal?: AbortSignal): Promise<BatchOutcome<O>> {
    try {
      return this.admit().submit(item, signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private enqueue(item: I, signal: AbortSignal | undefined): Promise<BatchOutcome<O>> {
    if (signal?.aborted) {
      this.notifyIdle(); // its admission ended here
      return Promise.reject(new DroppedError(signal.reason));
    }
    return new Promise((resolve, reject) => {
      const entry: Entry<I, O> = {
        item,
        signal,
        enqueuedAt: performance.now(),
        resolve,
        reject,
        onAbort: () => {
          const at = this.queue.indexOf(entry);
          if (at >= 0) {
            this.queue.splice(at, 1);
            reject(new DroppedError(signal?.reason));
            this.notifyIdle();
          }
        },
      };
      signal?.addEventListener("abort", entry.onAbort, { once: true });
      this.queue.push(entry);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing) return; // the running flush picks the queue up when its batch is done
    if (this.queue.length >= this.options.maxBatch) {
      this.flush();
    } else if (this.timer === undefined && this.queue.length > 0) {
      this.timer = setTimeout(() => this.flush(), this.options.maxDelayMs);
    }
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    void this.gate
      .run(() => this.runBatch())
      .finally(() => {
        this.flushing = false;
        // what arrived during the batch already waited; it goes now
        if (this.queue.length > 0) this.flush();
        else this.notifyIdle();
      });
  }

  private async runBatch(): Promise<void> {
    const batch = this.queue.splice(0, this.options.maxBatch);
    for (const entry of batch) entry.signal?.removeEventListener("abort", entry.onAbort);
    if (batch.length === 0) return;
    this.inFlight = batch.length;
    const started = performance.now();
    try {
      const results = await this.run(batch.map((e) => e.item));
      const computeMs = performance.now() - started;
      for (const [i, entry] of batch.entries()) {
        entry.resolve({
          result: results[i] as O,
          batchSize: batch.length,
          queuedMs: started - entry.enqueuedAt,
          computeMs,
        });
      }
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      this.inFlight = 0;
    }
  }

  private notifyIdle(): void {
    if (this.queue.length > 0 || this.admitted > 0 || this.flushing || this.inFlight > 0) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Resolves when nothing is queued or computing. */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.admitted === 0 && !this.flushing) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
