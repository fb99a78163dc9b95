import { describe, expect, it } from "vitest";
import { AsyncQueue, Semaphore, batchAbortController, mapWithConcurrency } from "@/lib/s3/concurrency";

function tick(ms = 1): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("Semaphore", () => {
  it("never runs more than its limit", async () => {
    const semaphore = new Semaphore(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        semaphore.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await tick();
          running--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });

  it("lets urgent tasks jump the queue", async () => {
    const semaphore = new Semaphore(1);
    const order: string[] = [];
    const first = semaphore.run(async () => {
      await tick(5);
      order.push("first");
    });
    const queued = [1, 2].map((n) => semaphore.run(async () => void order.push(`normal-${n}`)));
    const urgent = semaphore.run(async () => void order.push("urgent"), true);
    await Promise.all([first, ...queued, urgent]);
    expect(order).toEqual(["first", "urgent", "normal-1", "normal-2"]);
  });

  it("frees the slot when a task throws", async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(async () => Promise.reject(new Error("x")))).rejects.toThrow("x");
    expect(await semaphore.run(async () => 42)).toBe(42);
  });

  it("rejects a limit below one", () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

describe("mapWithConcurrency", () => {
  it("keeps input order and bounds concurrency", async () => {
    let running = 0;
    let peak = 0;
    const results = await mapWithConcurrency([5, 1, 3, 2, 4], 2, async (n, index) => {
      running++;
      peak = Math.max(peak, running);
      await tick(n);
      running--;
      return `${index}:${n}`;
    });
    expect(results).toEqual(["0:5", "1:1", "2:3", "3:2", "4:4"]);
    expect(peak).toBe(2);
  });

  it("handles an empty list", async () => {
    expect(await mapWithConcurrency([], 4, async () => 1)).toEqual([]);
  });
});

describe("AsyncQueue", () => {
  it("delivers items in order and ends after draining", async () => {
    const queue = new AsyncQueue<number>(2);
    const producer = (async () => {
      for (let i = 0; i < 5; i++) await queue.push(i);
      queue.end();
    })();
    const seen: number[] = [];
    for await (const item of queue.drain()) seen.push(item);
    await producer;
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it("makes producers wait while full", async () => {
    const queue = new AsyncQueue<number>(1);
    await queue.push(1);
    let pushed = false;
    const second = queue.push(2).then(() => {
      pushed = true;
    });
    await tick();
    expect(pushed).toBe(false);
    const reader = queue.drain();
    expect((await reader.next()).value).toBe(1);
    await second;
    expect(pushed).toBe(true);
  });

  it("releases waiting producers with false when cancelled", async () => {
    const queue = new AsyncQueue<number>(1);
    await queue.push(1);
    const waiting = queue.push(2);
    queue.cancel();
    expect(await waiting).toBe(false);
    expect(await queue.push(3)).toBe(false);
    const seen: number[] = [];
    for await (const item of queue.drain()) seen.push(item);
    expect(seen).toEqual([]);
  });
});

describe("batchAbortController", () => {
  it("follows the caller's signal and takes many listeners without warnings", () => {
    const parent = new AbortController();
    const { controller, dispose } = batchAbortController(parent.signal);
    for (let i = 0; i < 50; i++) controller.signal.addEventListener("abort", () => undefined);
    parent.abort("stop");
    expect(controller.signal.aborted).toBe(true);
    expect(controller.signal.reason).toBe("stop");
    dispose();
  });

  it("works without a caller's signal", () => {
    const { controller } = batchAbortController(undefined);
    expect(controller.signal.aborted).toBe(false);
  });
});

describe("Semaphore under a long queue", () => {
  it("runs thousands of queued tasks in order with urgent ones first", async () => {
    const semaphore = new Semaphore(2);
    const order: number[] = [];
    const tasks = Array.from({ length: 3000 }, (_, i) => semaphore.run(async () => void order.push(i)));
    const urgent = semaphore.run(async () => void order.push(-1), true);
    await Promise.all([...tasks, urgent]);
    expect(order.slice(0, 3)).toEqual([0, 1, -1]);
    expect(order.slice(3)).toEqual(Array.from({ length: 2998 }, (_, i) => i + 2));
  });
});
