import { describe, expect, it } from "vitest";
import type { BucketLifecycle } from "@/lib/lifecycle-coverage";
import { notCaughtByRuleOrPolicy, policyCatches, policyCoverage, type CatchingPolicy } from "@/lib/policies/coverage";

const row = (bucket: string, key: string, bytes: number | null) => ({ bucket, key, partsInfo: bytes === null ? null : { bytes } });
const logs: CatchingPolicy = { id: "p1", name: "nightly-logs", selection: { buckets: ["logs"], key: "tmp/", keyMatch: "prefix" } };
const big: CatchingPolicy = { id: "p2", name: "big-anywhere", selection: { key: "ISO", keyMatch: "contains", largerThanBytes: 1000 } };

describe("policyCatches", () => {
  it("matches bucket, key (prefix exact, contains ignoring case) and size", () => {
    expect(policyCatches(logs, row("logs", "tmp/a", 5))).toBe("caught");
    expect(policyCatches(logs, row("logs", "TMP/a", 5))).toBe("not-caught");
    expect(policyCatches(logs, row("media", "tmp/a", 5))).toBe("not-caught");
    expect(policyCatches(big, row("media", "disk.iso", 1000))).toBe("caught");
    expect(policyCatches(big, row("media", "disk.iso", 999))).toBe("not-caught");
    expect(policyCatches(big, row("media", "disk.iso", null))).toBe("unknown");
  });
});

describe("policyCoverage", () => {
  it("per bucket: how many uploads some policy catches and which; overall: what none catches", () => {
    const rows = [row("logs", "tmp/a", 10), row("logs", "keep/b", 20), row("media", "x.iso", 5000), row("media", "y.bin", null), row("constructor", "z", 1)];
    const coverage = policyCoverage(rows, [logs, big]);
    expect(coverage.byBucket.logs).toEqual({ caught: 1, uploads: 2, policies: ["nightly-logs"] });
    expect(coverage.byBucket.media).toEqual({ caught: 1, uploads: 2, policies: ["big-anywhere"] });
    expect(coverage.byBucket.constructor).toEqual({ caught: 0, uploads: 1, policies: [] });
    expect(coverage.notCaught).toEqual({ uploads: 3, bytes: 21, uncounted: 1 });
    expect(policyCoverage(rows, []).notCaught).toEqual({ uploads: 5, bytes: 5031, uncounted: 1 });
  });
});

describe("notCaughtByRuleOrPolicy", () => {
  const tmpRule: BucketLifecycle = { status: "rules", otherRules: 0, rules: [{ id: "r", ours: false, enabled: true, days: 1, prefix: "tmp/", conditions: [] }] };
  const denied: BucketLifecycle = { status: "denied", error: { code: "access-denied", message: "no" } };
  const rows = [row("logs", "tmp/a", 10), row("logs", "keep/b", 20), row("media", "x.iso", 5000), row("media", "y.bin", 7)];

  it("counts what neither a rule nor a policy catches; a policy covers uploads in a bucket whose rules are unreadable", () => {
    const lifecycles = { logs: tmpRule, media: denied };
    expect(notCaughtByRuleOrPolicy(rows, lifecycles, [])).toEqual({
      state: "known",
      notCaught: { uploads: 1, bytes: 20, uncounted: 0 },
      unknown: { uploads: 2, bytes: 5007, uncounted: 0 },
    });
    const keep: CatchingPolicy = { id: "p3", name: "keep", selection: { buckets: ["logs"], key: "keep/", keyMatch: "prefix" } };
    expect(notCaughtByRuleOrPolicy(rows, lifecycles, [keep, big])).toEqual({
      state: "known",
      notCaught: { uploads: 0, bytes: 0, uncounted: 0 },
      unknown: { uploads: 1, bytes: 7, uncounted: 0 },
    });
  });
});
