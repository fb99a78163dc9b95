import "server-only";
import { setMaxListeners } from "node:events";

// Small bounded-concurrency helpers for lib/s3 (no npm dependency needed for these).

/** At most `limit` tasks run at once; the rest wait in FIFO order (urgent ones go first). */
export class Semaphore {
  private active = 0;
  // A queue as array + head index: shift() on thousands of waiters would be O(n) each.
  private waiting: (() => void)[] = [];
  private head = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`Semaphore limit must be a positive integer, got ${limit}`);
  }

  /**
   * Runs `task` when a slot is free. `urgent` tasks jump the queue: a listing page that
   * feeds many queued part lookups should not wait behind them.
   */
  async run<T>(task: () => Promise<T>, urgent = false): Promise<T> {
    await this.acquire(urgent);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(urgent: boolean): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      if (!urgent) this.waiting.push(resolve);
      else if (this.head > 0) this.waiting[--this.head] = resolve;
      else this.waiting.unshift(resolve);
    });
  }

  private release(): void {
    if (this.head === this.waiting.length) {
      this.active--;
      return;
    }
    const next = this.waiting[this.head++];
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    // The slot passes straight to the next waiter, so `active` stays the same.
    next?.();
  }
}

/** `fn` over every item with at most `limit` running at once; results in input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  // Workers share one iterator, so each item is taken exactly once.
  const entries = items.entries();
  async function worker(): Promise<void> {
    for (const [index, item] of entries) results[index] = await fn(item, index);
  }
  const workers = Array.from({ length: Math.min(Math.max(1, limit), items.length) }, () => worker());
  await Promise.all(workers);
  return results;
}

/**
 * A bounded queue between producers and one consumer: `push` waits while the queue is full,
 * so a slow consumer slows the producers instead of the queue growing without bound.
 */
export class AsyncQueue<T> {
  private readonly buffer: T[] = [];
  private ended = false;
  private cancelled = false;
  private wakeReader: (() => void) | undefined;
  private wakeWriters: (() => void)[] = [];

  constructor(private readonly capacity: number) {}

  /** Resolves false once the consumer has gone: the producer should stop. */
  async push(item: T): Promise<boolean> {
    while (this.buffer.length >= this.capacity && !this.cancelled) {
      await new Promise<void>((resolve) => this.wakeWriters.push(resolve));
    }
    if (this.cancelled || this.ended) return false;
    this.buffer.push(item);
    this.notifyReader();
    return true;
  }

  /** No more items: the consumer drains what is queued, then stops. */
  end(): void {
    this.ended = true;
    this.notifyReader();
  }

  /** The consumer has gone: drop queued items and release waiting producers. */
  cancel(): void {
    this.cancelled = true;
    this.buffer.length = 0;
    this.notifyWriters();
    this.notifyReader();
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }

  async *drain(): AsyncGenerator<T, void, undefined> {
    while (true) {
      if (this.buffer.length > 0) {
        // Take the whole batch at once: producers refill while the consumer works on it.
        const batch = this.buffer.splice(0);
        this.notifyWriters();
        yield* batch;
        continue;
      }
      if (this.ended || this.cancelled) return;
      await new Promise<void>((resolve) => {
        this.wakeReader = resolve;
      });
    }
  }

  private notifyReader(): void {
    const wake = this.wakeReader;
    this.wakeReader = undefined;
    wake?.();
  }

  private notifyWriters(): void {
    const writers = this.wakeWriters;
    this.wakeWriters = [];
    for (const wake of writers) wake();
  }
}

/**
 * An AbortController for a batch of concurrent requests that also aborts when the caller's
 * signal does. Every request in flight listens on it: that is expected, not a leak, so
 * Node's 10-listener warning is switched off for it. Call `dispose` when the batch is done.
 */
export function batchAbortController(parent: AbortSignal | undefined): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const follow = () => controller.abort(parent?.reason);
  if (parent?.aborted) follow();
  parent?.addEventListener("abort", follow, { once: true });
  return { controller, dispose: () => parent?.removeEventListener("abort", follow) };
}
