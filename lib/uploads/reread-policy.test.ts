import { describe, expect, it } from "vitest";
import {
  clockStaleAfterMs,
  dueAt,
  isDue,
  lifecycleReuseMs,
  livenessOf,
  relistAfterMs,
  rereadIntervalMs,
  spreadFraction,
  type DueInput,
  type RereadSettings,
} from "@/lib/uploads/reread-policy";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const settings: RereadSettings = {
  schedule: "liveness",
  liveWindowMs: 15 * MINUTE,
  idleAfterMs: 24 * HOUR,
  intervals: {
    live: { background: 45 * SECOND, "in-view": 4 * SECOND },
    quiet: { background: 30 * MINUTE, "in-view": 2 * MINUTE },
    idle: { background: 6 * HOUR, "in-view": 30 * MINUTE },
  },
  relistMs: 30 * SECOND,
  lifecycleRereadMs: 5 * MINUTE,
};
const clock: RereadSettings = { ...settings, schedule: "clock" };

const now = Date.parse("2026-12-01T12:00:00Z");

/** An upload last read `readAgo` ms ago whose newest part is `partAgo` ms old. */
function input(partAgo: number | null, readAgo: number, overrides: Partial<DueInput> = {}): DueInput {
  return {
    id: "bucket\u0000key\u0000upload",
    read: { checkedAt: now - readAgo, lastPartAt: partAgo === null ? null : now - partAgo, first: false },
    initiated: now - 40 * 24 * HOUR,
    where: "background",
    now,
    uploads: 2_000,
    ...overrides,
  };
}

describe("liveness", () => {
  it("follows the newest part: minutes ago live, hours quiet, days idle", () => {
    expect(livenessOf(now - 2 * MINUTE, now, settings)).toBe("live");
    expect(livenessOf(now - 15 * MINUTE + 1, now, settings)).toBe("live");
    expect(livenessOf(now - 15 * MINUTE, now, settings)).toBe("quiet");
    expect(livenessOf(now - 23 * HOUR, now, settings)).toBe("quiet");
    expect(livenessOf(now - 24 * HOUR, now, settings)).toBe("idle");
    expect(livenessOf(now - 90 * 24 * HOUR, now, settings)).toBe("idle");
  });

  it("counts unknown activity as live", () => {
    expect(livenessOf(null, now, settings)).toBe("live");
  });

  it("uses the start of an upload without parts", () => {
    const fresh = input(null, 10 * SECOND, { initiated: now - MINUTE });
    const old = input(null, 10 * SECOND, { initiated: now - 3 * 24 * HOUR });
    expect(isDue(fresh, settings)).toBe(false);
    expect(isDue({ ...fresh, now: now + 35 * SECOND }, settings)).toBe(true);
    expect(isDue({ ...old, now: now + 35 * SECOND }, settings)).toBe(false);
  });
});

describe("re-read intervals", () => {
  it("re-reads a live upload within its interval, idle ones only after theirs", () => {
    expect(isDue(input(MINUTE, 44 * SECOND), settings)).toBe(false);
    expect(isDue(input(MINUTE, 45 * SECOND), settings)).toBe(true);
    expect(isDue(input(3 * HOUR, 29 * MINUTE), settings)).toBe(false);
    expect(isDue(input(3 * HOUR, 30 * MINUTE), settings)).toBe(true);
    expect(isDue(input(5 * 24 * HOUR, 5 * HOUR), settings)).toBe(false);
    expect(isDue(input(5 * 24 * HOUR, 6 * HOUR), settings)).toBe(true);
  });

  it("re-reads rows in view by the same rule, only more often", () => {
    const inView = { where: "in-view" as const };
    expect(isDue(input(MINUTE, 4 * SECOND, inView), settings)).toBe(true);
    expect(isDue(input(MINUTE, 3 * SECOND, inView), settings)).toBe(false);
    // An idle row in view is not re-read on every refresh.
    expect(isDue(input(5 * 24 * HOUR, 5 * SECOND, inView), settings)).toBe(false);
    expect(isDue(input(5 * 24 * HOUR, 29 * MINUTE, inView), settings)).toBe(false);
    expect(isDue(input(5 * 24 * HOUR, 30 * MINUTE, inView), settings)).toBe(true);
  });

  it("never waits longer in view than in the background", () => {
    const odd: RereadSettings = {
      ...settings,
      intervals: { ...settings.intervals, live: { background: 10 * SECOND, "in-view": 60 * SECOND } },
    };
    expect(rereadIntervalMs("live", "in-view", odd)).toBe(10 * SECOND);
    expect(rereadIntervalMs("idle", "in-view", settings)).toBe(30 * MINUTE);
  });

  it("judges liveness as of the last read: a live upload unread for a while is still due", () => {
    // Live when read an hour ago (a part a minute before): due, though its part is now old.
    expect(isDue(input(HOUR + MINUTE, HOUR), settings)).toBe(true);
    expect(dueAt(input(HOUR + MINUTE, HOUR), settings)).toBe(now - HOUR + 45 * SECOND);
  });

  it("reads an upload never read at once", () => {
    expect(dueAt({ ...input(MINUTE, 0), read: null }, settings)).toBe(-Infinity);
    expect(isDue({ ...input(MINUTE, 0), read: null, where: "in-view" }, settings)).toBe(true);
  });
});

describe("after a failed read", () => {
  const failedAgo = (ms: number, count: number) => ({ lastAt: now - ms, count });

  it("tries again after the live interval, doubling with each failure", () => {
    // An idle upload (read a day ago) whose re-read failed: 45 s, then 90 s, then 3 min…
    const idleRow = (failures: { lastAt: number; count: number }) => input(40 * 24 * HOUR, 24 * HOUR, { failures });
    expect(dueAt(idleRow(failedAgo(0, 1)), settings)).toBe(now + 45 * SECOND);
    expect(dueAt(idleRow(failedAgo(0, 2)), settings)).toBe(now + 90 * SECOND);
    expect(dueAt(idleRow(failedAgo(0, 3)), settings)).toBe(now + 180 * SECOND);
    expect(isDue(idleRow(failedAgo(45 * SECOND, 1)), settings)).toBe(true);
    expect(isDue(idleRow(failedAgo(44 * SECOND, 1)), settings)).toBe(false);
    // In view from 4 s.
    expect(dueAt({ ...idleRow(failedAgo(0, 2)), where: "in-view" }, settings)).toBe(now + 8 * SECOND);
  });

  it("never waits longer than the upload's own interval", () => {
    const live = input(MINUTE, 10 * SECOND, { failures: failedAgo(0, 12) });
    expect(dueAt(live, settings)).toBe(now + 45 * SECOND);
    const idle = input(40 * 24 * HOUR, 24 * HOUR, { failures: failedAgo(0, 40) });
    expect(dueAt(idle, settings)).toBe(now + 6 * HOUR);
  });

  it("applies to an upload never read, instead of trying it on every poll", () => {
    const neverRead = input(null, 0, { read: null, initiated: now - 40 * 24 * HOUR, failures: failedAgo(0, 1) });
    expect(dueAt(neverRead, settings)).toBe(now + 45 * SECOND);
    expect(dueAt({ ...neverRead, failures: null }, settings)).toBe(-Infinity);
  });

  it("leaves the clock schedule as it was (tried on every refresh)", () => {
    const neverRead = input(null, 0, { read: null, failures: failedAgo(0, 3) });
    expect(dueAt(neverRead, clock)).toBe(-Infinity);
  });
});

describe("spreading the first re-reads", () => {
  it("gives each upload a fixed fraction in (0, 1], spread evenly over the range", () => {
    const fractions = Array.from({ length: 2_000 }, (_, i) => spreadFraction(`bucket\u0000key-${i}\u0000id-${i * 7}`));
    expect(Math.min(...fractions)).toBeGreaterThan(0);
    expect(Math.max(...fractions)).toBeLessThanOrEqual(1);
    expect(spreadFraction("a\u0000b\u0000c")).toBe(spreadFraction("a\u0000b\u0000c"));
    // Roughly uniform: each tenth of the range holds about a tenth of them.
    for (let decile = 0; decile < 10; decile++) {
      const inDecile = fractions.filter((f) => f > decile / 10 && f <= (decile + 1) / 10).length;
      expect(inDecile).toBeGreaterThan(2_000 / 10 / 2);
      expect(inDecile).toBeLessThan((2_000 / 10) * 1.5);
    }
  });

  it("applies it to the first background re-read only", () => {
    const first = input(5 * 24 * HOUR, 0);
    if (!first.read) throw new Error("needs a read");
    first.read.first = true;
    const fraction = spreadFraction(first.id);
    expect(dueAt(first, settings)).toBeCloseTo(now + fraction * 6 * HOUR);
    expect(dueAt({ ...first, where: "in-view" }, settings)).toBe(now + 30 * MINUTE);
    expect(dueAt(input(5 * 24 * HOUR, 0), settings)).toBe(now + 6 * HOUR);
  });
});

describe("the clock schedule (the old behaviour, for comparison)", () => {
  it("re-reads everything every minute, big inventories at 100 uploads a second", () => {
    expect(clockStaleAfterMs(2_000)).toBe(MINUTE);
    expect(clockStaleAfterMs(20_000)).toBe(200 * SECOND);
    expect(isDue(input(5 * 24 * HOUR, 61 * SECOND), clock)).toBe(true);
    expect(isDue(input(5 * 24 * HOUR, 61 * SECOND, { uploads: 20_000 }), clock)).toBe(false);
  });

  it("re-reads rows in view on every refresh", () => {
    expect(isDue(input(5 * 24 * HOUR, 0, { where: "in-view" }), clock)).toBe(true);
  });
});

describe("listing and lifecycle reuse", () => {
  it("re-lists every relistMs, slower when the listing itself is slow", () => {
    expect(relistAfterMs(100, settings)).toBe(30 * SECOND);
    expect(relistAfterMs(10 * SECOND, settings)).toBe(50 * SECOND);
    expect(relistAfterMs(40 * SECOND, settings)).toBe(60 * SECOND);
  });

  it("re-lists after five listing times under the clock schedule", () => {
    expect(relistAfterMs(100, clock)).toBe(500);
    expect(relistAfterMs(40 * SECOND, clock)).toBe(60 * SECOND);
  });

  it("reuses lifecycle rules only under the liveness schedule", () => {
    expect(lifecycleReuseMs(settings)).toBe(5 * MINUTE);
    expect(lifecycleReuseMs(clock)).toBe(0);
  });
});
