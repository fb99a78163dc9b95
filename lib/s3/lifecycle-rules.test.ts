import type { LifecycleRule, LifecycleRuleFilter } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import {
  RECLAIM_RULE_ID,
  normalizeRuleForWrite,
  ruleScope,
  toLifecycleView,
  validateRuleInput,
  withOurRule,
  withoutOurRule,
} from "@/lib/s3/lifecycle-rules";

const expiration: LifecycleRule = {
  ID: "expire-logs",
  Status: "Enabled",
  Filter: { Prefix: "logs/" },
  Expiration: { Days: 30 },
};
const legacy: LifecycleRule = {
  ID: "legacy",
  Status: "Enabled",
  Prefix: "old/",
  Expiration: { Days: 7 },
};
const transitions: LifecycleRule = {
  ID: "tiering",
  Status: "Enabled",
  Filter: {
    And: { Prefix: "media/", Tags: [{ Key: "tier", Value: "cold" }], ObjectSizeGreaterThan: 1024 },
  },
  Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }],
  NoncurrentVersionExpiration: { NoncurrentDays: 3, NewerNoncurrentVersions: 2 },
};
const ours: LifecycleRule = {
  ID: RECLAIM_RULE_ID,
  Status: "Enabled",
  Filter: { Prefix: "" },
  AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
};

const twoTags = [
  { Key: "a", Value: "b" },
  { Key: "c", Value: "d" },
];
/** RGW's shape for a prefix plus tags: the prefix beside And instead of inside it. */
const rgwTaggedFilter: LifecycleRuleFilter = { Prefix: "t/", And: { Tags: twoTags } };

describe("ruleScope", () => {
  it("reads Filter.Prefix, the legacy rule Prefix and And.Prefix", () => {
    expect(ruleScope(expiration)).toEqual({ prefix: "logs/", conditions: [] });
    expect(ruleScope(legacy)).toEqual({ prefix: "old/", conditions: [] });
    expect(ruleScope(transitions)).toEqual({
      prefix: "media/",
      conditions: ["tag tier=cold", "size > 1,024 bytes"],
    });
  });

  it("treats a missing or empty filter as the whole bucket", () => {
    expect(ruleScope({ ID: "a", Status: "Enabled" })).toEqual({ prefix: "", conditions: [] });
    expect(ruleScope({ ID: "a", Status: "Enabled", Filter: {} })).toEqual({
      prefix: "",
      conditions: [],
    });
  });

  it("reads RGW's prefix-outside-And shape", () => {
    const rgw: LifecycleRule = { ID: "t", Status: "Enabled", Filter: rgwTaggedFilter };
    expect(ruleScope(rgw)).toEqual({ prefix: "t/", conditions: ["tag a=b", "tag c=d"] });
  });

  it("lists a Tag-only filter as a condition", () => {
    expect(
      ruleScope({ ID: "t", Status: "Enabled", Filter: { Tag: { Key: "k", Value: "v" } } })
        .conditions,
    ).toEqual(["tag k=v"]);
  });
});

describe("toLifecycleView", () => {
  it("is none for an empty configuration", () => {
    expect(toLifecycleView([])).toEqual({ status: "none" });
  });

  it("lists abort rules (ours first) and counts the others", () => {
    const other: LifecycleRule = {
      ID: "aaa-tmp",
      Status: "Disabled",
      Prefix: "tmp/",
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 },
    };
    expect(toLifecycleView([expiration, other, legacy, ours])).toEqual({
      status: "rules",
      otherRules: 2,
      rules: [
        { id: RECLAIM_RULE_ID, ours: true, enabled: true, days: 7, prefix: "", conditions: [] },
        { id: "aaa-tmp", ours: false, enabled: false, days: 2, prefix: "tmp/", conditions: [] },
      ],
    });
  });

  it("keeps an abort action without a day count and a rule without an id", () => {
    const view = toLifecycleView([
      { Status: "Enabled", Filter: { Prefix: "" }, AbortIncompleteMultipartUpload: {} },
    ]);
    expect(view).toEqual({
      status: "rules",
      otherRules: 0,
      rules: [{ id: null, ours: false, enabled: true, days: null, prefix: "", conditions: [] }],
    });
  });
});

describe("normalizeRuleForWrite", () => {
  it("returns canonical rules untouched (same object)", () => {
    for (const r of [
      expiration,
      legacy,
      transitions,
      ours,
      { ID: "t", Status: "Enabled", Filter: { Tag: { Key: "k", Value: "v" } } } as LifecycleRule,
    ]) {
      expect(normalizeRuleForWrite(r)).toBe(r);
    }
  });

  it("moves RGW's top-level Prefix into And so the prefix is not lost", () => {
    const rgw: LifecycleRule = {
      ID: "tagged",
      Status: "Disabled",
      Filter: rgwTaggedFilter,
      Expiration: { Date: new Date("2030-01-01T00:00:00Z") },
    };
    const fixed = normalizeRuleForWrite(rgw);
    expect(fixed).toEqual({
      ID: "tagged",
      Status: "Disabled",
      Filter: { And: { Prefix: "t/", Tags: twoTags } },
      Expiration: { Date: new Date("2030-01-01T00:00:00Z") },
    });
    expect(ruleScope(fixed)).toEqual(ruleScope(rgw));
    expect(rgw.Filter?.Prefix).toBe("t/"); // input not mutated
  });

  it("puts several top-level conditions into And", () => {
    const mixed: LifecycleRule = {
      ID: "m",
      Status: "Enabled",
      Filter: { Prefix: "p/", Tag: { Key: "k", Value: "v" }, ObjectSizeLessThan: 10 },
    };
    expect(normalizeRuleForWrite(mixed).Filter).toEqual({
      And: { Prefix: "p/", Tags: [{ Key: "k", Value: "v" }], ObjectSizeLessThan: 10 },
    });
  });
});

describe("withOurRule / withoutOurRule", () => {
  it("appends our rule and keeps every other rule field by field", () => {
    const next = withOurRule([expiration, legacy, transitions], { days: 3, prefix: "uploads/" });
    expect(next.slice(0, 3)).toEqual([expiration, legacy, transitions]);
    expect(next[3]).toEqual({
      ID: RECLAIM_RULE_ID,
      Status: "Enabled",
      Filter: { Prefix: "uploads/" },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 3 },
    });
  });

  it("replaces ours in place when editing", () => {
    const next = withOurRule([expiration, ours, legacy], { days: 14 });
    expect(next).toHaveLength(3);
    expect(next[0]).toBe(expiration);
    expect(next[1]).toEqual({
      ...ours,
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 14 },
    });
    expect(next[2]).toBe(legacy);
  });

  it("removes only ours", () => {
    expect(withoutOurRule([expiration, ours, legacy])).toEqual([expiration, legacy]);
    expect(withoutOurRule([ours])).toEqual([]);
  });
});

describe("validateRuleInput", () => {
  it("accepts 1..3650 whole days and prefixes up to 1024 characters", () => {
    expect(() => validateRuleInput({ days: 1 })).not.toThrow();
    expect(() => validateRuleInput({ days: 3650, prefix: "x".repeat(1024) })).not.toThrow();
    for (const days of [0, -1, 3651, 1.5, Number.NaN])
      expect(() => validateRuleInput({ days })).toThrow(RangeError);
    expect(() => validateRuleInput({ days: 1, prefix: "x".repeat(1025) })).toThrow(RangeError);
  });
});
