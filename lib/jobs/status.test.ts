import { describe, expect, it } from "vitest";
import { emptyCounts, finalStatus, isUnreachable, throttleBackoffMs, UnreachableStreak } from "@/lib/jobs/status";
import type { AbortResult } from "@/lib/jobs/types";

type R = Pick<AbortResult, "outcome" | "error">;
const unreachable: R = { outcome: "failed", error: { code: "unreachable", message: "Cannot reach 127.0.0.1:1" } };
const denied: R = { outcome: "denied", error: { code: "access-denied", message: "denied" } };
const reclaimed: R = { outcome: "reclaimed" };

describe("finalStatus", () => {
  it("is done only when every item was reclaimed or already gone", () => {
    expect(finalStatus({ ...emptyCounts(), reclaimed: 3, "already-gone": 1 }, null)).toBe("done");
    for (const bad of ["verify-failed", "denied", "failed", "interrupted"] as const) {
      expect(finalStatus({ ...emptyCounts(), reclaimed: 3, [bad]: 1 }, null)).toBe("finished-with-failures");
    }
  });

  it("says cancelled or failed when the job was stopped", () => {
    expect(finalStatus({ ...emptyCounts(), reclaimed: 3 }, "cancelled")).toBe("cancelled");
    expect(finalStatus({ ...emptyCounts(), reclaimed: 3 }, "unreachable")).toBe("failed");
    expect(finalStatus(emptyCounts(), "error")).toBe("failed");
  });
});

describe("UnreachableStreak", () => {
  it("trips after N unreachable failures in a row, and resets on anything else", () => {
    const streak = new UnreachableStreak(3);
    expect(streak.record(unreachable)).toBe(false);
    expect(streak.record(unreachable)).toBe(false);
    expect(streak.record(denied)).toBe(false);
    expect(streak.count).toBe(0);
    expect(streak.record(unreachable)).toBe(false);
    expect(streak.record(unreachable)).toBe(false);
    expect(streak.record(unreachable)).toBe(true);
    expect(streak.lastError?.code).toBe("unreachable");
    expect(streak.record(reclaimed)).toBe(false);
  });

  it("counts timeouts as unreachable, not other failures", () => {
    expect(isUnreachable({ outcome: "failed", error: { code: "timeout", message: "" } })).toBe(true);
    expect(isUnreachable({ outcome: "failed", error: { code: "throttled", message: "" } })).toBe(false);
    expect(isUnreachable(denied)).toBe(false);
  });
});

describe("throttleBackoffMs", () => {
  it("doubles with jitter and caps", () => {
    expect(throttleBackoffMs(0, 500, () => 0.5)).toBe(500);
    expect(throttleBackoffMs(2, 500, () => 0.5)).toBe(2000);
    expect(throttleBackoffMs(10, 500, () => 1)).toBe(9600);
    expect(throttleBackoffMs(1, 500, () => 0)).toBe(800);
  });
});
