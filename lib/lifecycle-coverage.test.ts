import { describe, expect, it } from "vitest";
import {
  abortsUploads,
  coveredBy,
  hasAbortingRule,
  notCaught,
  uncoveredUploads,
  uploadCoverage,
  type AbortRuleView,
  type BucketLifecycle,
  type CoverageRow,
} from "@/lib/lifecycle-coverage";

function rule(overrides: Partial<AbortRuleView>): AbortRuleView {
  return { id: "r", ours: false, enabled: true, days: 7, prefix: "", conditions: [], ...overrides };
}

describe("abortsUploads / hasAbortingRule", () => {
  it("counts only enabled rules with a day count and no tag/size conditions", () => {
    expect(abortsUploads(rule({}))).toBe(true);
    expect(abortsUploads(rule({ prefix: "logs/" }))).toBe(true);
    expect(abortsUploads(rule({ enabled: false }))).toBe(false);
    expect(abortsUploads(rule({ days: null }))).toBe(false);
    expect(abortsUploads(rule({ conditions: ["tag a=b"] }))).toBe(false);
  });

  it("a bucket is protected when any of its rules aborts uploads", () => {
    const lifecycle = (rules: AbortRuleView[]): BucketLifecycle => ({ status: "rules", rules, otherRules: 0 });
    expect(hasAbortingRule(lifecycle([rule({ enabled: false }), rule({ prefix: "tmp/" })]))).toBe(true);
    expect(hasAbortingRule(lifecycle([rule({ enabled: false }), rule({ days: null })]))).toBe(false);
    expect(hasAbortingRule({ status: "none" })).toBe(false);
  });
});

describe("coveredBy", () => {
  it("matches keys under the rule's prefix; an empty prefix covers everything", () => {
    const logs = rule({ prefix: "logs/" });
    expect(coveredBy([logs], "logs/a.gz")).toBe(logs);
    expect(coveredBy([logs], "media/a.mov")).toBeNull();
    expect(coveredBy([logs], "log")).toBeNull();
    const all = rule({ prefix: "" });
    expect(coveredBy([all], "anything")).toBe(all);
    expect(coveredBy([], "a")).toBeNull();
  });

  it("ignores disabled rules, rules without days and rules with tag/size conditions", () => {
    expect(coveredBy([rule({ enabled: false })], "a")).toBeNull();
    expect(coveredBy([rule({ days: null })], "a")).toBeNull();
    expect(coveredBy([rule({ conditions: ["tag a=b"] })], "a")).toBeNull();
  });

  it("picks the rule that aborts soonest", () => {
    const slow = rule({ id: "slow", days: 30 });
    const fast = rule({ id: "fast", days: 2, prefix: "tmp/" });
    expect(coveredBy([slow, fast], "tmp/x")).toBe(fast);
    expect(coveredBy([slow, fast], "other")).toBe(slow);
  });
});

describe("uploadCoverage / uncoveredUploads", () => {
  const lifecycles: Record<string, BucketLifecycle> = {
    protected: { status: "rules", otherRules: 1, rules: [rule({ prefix: "tmp/" })] },
    bare: { status: "none" },
    secret: { status: "denied", error: { code: "access-denied", message: "denied" } },
    old: { status: "unsupported", error: { code: "not-implemented", message: "no" } },
    broken: { status: "error", error: { code: "timeout", message: "slow" } },
  };
  const rows: CoverageRow[] = [
    { bucket: "protected", key: "tmp/a", partsInfo: { bytes: 100 } },
    { bucket: "protected", key: "keep/b", partsInfo: { bytes: 10 } },
    { bucket: "protected", key: "keep/c", partsInfo: null },
    { bucket: "bare", key: "x", partsInfo: { bytes: 1000 } },
    { bucket: "secret", key: "y", partsInfo: { bytes: 5 } },
    { bucket: "old", key: "z", partsInfo: { bytes: 7 } },
    { bucket: "broken", key: "w", partsInfo: { bytes: 3 } },
    { bucket: "unlisted", key: "v", partsInfo: { bytes: 1 } },
  ];

  it("classifies one upload", () => {
    expect(uploadCoverage(lifecycles.protected, "tmp/a").state).toBe("covered");
    expect(uploadCoverage(lifecycles.protected, "keep/b")).toEqual({ state: "uncovered" });
    expect(uploadCoverage(lifecycles.bare, "x")).toEqual({ state: "uncovered" });
    expect(uploadCoverage(lifecycles.old, "x")).toEqual({ state: "uncovered" });
    expect(uploadCoverage(lifecycles.secret, "x")).toEqual({ state: "unknown", reason: "denied" });
    expect(uploadCoverage(lifecycles.broken, "x")).toEqual({ state: "unknown", reason: "error" });
    expect(uploadCoverage(undefined, "x")).toEqual({ state: "unknown", reason: "not-read" });
  });

  it("sums uploads and bytes no rule would catch, overall and per bucket", () => {
    const coverage = uncoveredUploads(rows, lifecycles);
    expect(coverage.covered).toEqual({ uploads: 1, bytes: 100, uncounted: 0 });
    // keep/b + keep/c (parts not counted yet) + bare + old (unsupported endpoint)
    expect(coverage.uncovered).toEqual({ uploads: 4, bytes: 1017, uncounted: 1 });
    // denied + error + a bucket whose lifecycle was not read: never counted as covered
    expect(coverage.unknown).toEqual({ uploads: 3, bytes: 9, uncounted: 0 });
    expect(coverage.byBucket.protected).toEqual({
      covered: { uploads: 1, bytes: 100, uncounted: 0 },
      uncovered: { uploads: 2, bytes: 10, uncounted: 1 },
      unknown: { uploads: 0, bytes: 0, uncounted: 0 },
    });
  });

  it("does not read inherited properties as lifecycles", () => {
    const coverage = uncoveredUploads(
      [
        { bucket: "constructor", key: "k", partsInfo: { bytes: 1 } },
        { bucket: "__proto__", key: "k", partsInfo: { bytes: 2 } },
      ],
      {},
    );
    expect(coverage.unknown).toEqual({ uploads: 2, bytes: 3, uncounted: 0 });
    expect(Object.keys(coverage.byBucket).sort()).toEqual(["__proto__", "constructor"]);
    expect(coverage.byBucket.__proto__?.unknown.bytes).toBe(2);
  });
});

describe("notCaught (the dashboard header)", () => {
  const protectedTmp: BucketLifecycle = {
    status: "rules",
    otherRules: 0,
    rules: [rule({ prefix: "tmp/" })],
  };
  const down: BucketLifecycle = {
    status: "error",
    error: { code: "unreachable", message: "No answer from the endpoint" },
  };
  const rows: CoverageRow[] = [
    { bucket: "a", key: "tmp/1", partsInfo: { bytes: 100 } },
    { bucket: "a", key: "keep/2", partsInfo: { bytes: 10 } },
    { bucket: "b", key: "x", partsInfo: null },
  ];

  it("counts the rows no rule catches, and those in buckets whose rules are unreadable", () => {
    expect(notCaught(rows, { a: protectedTmp, b: { status: "none" } })).toEqual({
      state: "known",
      notCaught: { uploads: 2, bytes: 10, uncounted: 1 },
      unknown: { uploads: 0, bytes: 0, uncounted: 0 },
    });
    expect(notCaught(rows, { a: protectedTmp, b: down })).toEqual({
      state: "known",
      notCaught: { uploads: 1, bytes: 10, uncounted: 0 },
      unknown: { uploads: 1, bytes: 0, uncounted: 1 },
    });
  });

  it("is still reading while a bucket of the rows has no rules yet (never a guess)", () => {
    expect(notCaught(rows, { a: protectedTmp })).toEqual({ state: "reading" });
    expect(notCaught([{ bucket: "__proto__", key: "k", partsInfo: null }], {})).toEqual({
      state: "reading",
    });
  });

  it("says why when no bucket's rules could be read (the gateway is down)", () => {
    expect(notCaught(rows, { a: down, b: down })).toEqual({
      state: "unreadable",
      error: down.error,
    });
  });

  it("is zero with no rows", () => {
    expect(notCaught([], {})).toMatchObject({
      state: "known",
      notCaught: { uploads: 0, bytes: 0, uncounted: 0 },
    });
  });
});
