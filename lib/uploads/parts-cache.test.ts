import { describe, expect, it } from "vitest";
import { BACKGROUND_READS_PER_SECOND, isStale, STALE_AFTER_MS, staleAfterMs } from "@/lib/uploads/parts-cache";

describe("parts cache staleness", () => {
  it("re-reads small inventories every minute, big ones at a bounded rate", () => {
    expect(staleAfterMs(10)).toBe(STALE_AFTER_MS);
    expect(staleAfterMs(2_000)).toBe(STALE_AFTER_MS);
    const big = 20_000;
    // A whole pass over the big inventory takes staleAfterMs: uploads ÷ that = the read rate.
    expect(big / (staleAfterMs(big) / 1000)).toBeCloseTo(BACKGROUND_READS_PER_SECOND);
  });

  it("calls numbers stale past the given age, and missing numbers always", () => {
    const now = Date.parse("2026-11-27T12:00:00Z");
    const info = (ageMs: number) => ({ parts: 1, bytes: 1, lastPartAt: null, checkedAt: new Date(now - ageMs).toISOString() });
    expect(isStale(null, 1_000, now)).toBe(true);
    expect(isStale(info(59_000), STALE_AFTER_MS, now)).toBe(false);
    expect(isStale(info(61_000), STALE_AFTER_MS, now)).toBe(true);
    expect(isStale(info(61_000), staleAfterMs(20_000), now)).toBe(false);
  });
});
