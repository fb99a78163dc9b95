import "server-only";

// Small bounded-concurrency helpers for lib/s3 (no npm dependency needed for these).

/** At most `limit` tasks run at once; the rest wait in FIFO order (urgent ones go first). */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

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
      if (urgent) this.waiting.unshift(resolve);
      else this.waiting.push(resolve);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter, so `active` stays the same.
    if (next) next();
    else this.active--;
  }
}

/** `fn` over every item with at most `limit` running at once; results in input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let nextIndex = 0;
  async function worker(): Promise<void> {
    while (nextIndex < items.length) {
      const index = nextIndex++;
      results[index] = await fn(items[index] as T, index);
    }
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
        const item = this.buffer.shift() as T;
        this.notifyWriters();
        yield item;
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
