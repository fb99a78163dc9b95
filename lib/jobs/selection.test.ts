import { describe, expect, it } from "vitest";
import { classify, lastActivity, listingPrefix, looksActive, matchesListing, matchesParts, partsReadIsRecent, refKey, summarize } from "@/lib/jobs/selection";
import type { BulkSelection, SelectedUpload } from "@/lib/jobs/types";

const NOW = Date.parse("2026-06-01T12:00:00Z");
const MIN = 60_000;
const DAY = 86_400_000;
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();

function upload(over: Partial<SelectedUpload> = {}): SelectedUpload {
  return { bucket: "b", key: "k", uploadId: "u", initiated: iso(10 * DAY), parts: 2, bytes: 100, lastPartAt: iso(9 * DAY), ...over };
}
const base: BulkSelection = { profileId: "p", activeWithinMinutes: 15 };

describe("matchesListing", () => {
  it("filters by bucket, key and age", () => {
    const sel: BulkSelection = { ...base, buckets: ["b"], key: "tmp/", keyMatch: "contains", olderThanMs: 7 * DAY };
    expect(matchesListing(upload({ key: "x/tmp/1" }), sel, NOW)).toBe(true);
    expect(matchesListing(upload({ key: "x/tmp/1", bucket: "c" }), sel, NOW)).toBe(false);
    expect(matchesListing(upload({ key: "x/1" }), sel, NOW)).toBe(false);
    expect(matchesListing(upload({ key: "x/TMP/1" }), sel, NOW)).toBe(true);
    expect(matchesListing(upload({ key: "tmp/1", initiated: iso(6 * DAY) }), sel, NOW)).toBe(false);
    expect(matchesListing(upload({ key: "tmp/1", initiated: null }), sel, NOW)).toBe(false);
  });

  it("matches a prefix only at the start, and lists with it", () => {
    const sel: BulkSelection = { ...base, key: "tmp/", keyMatch: "prefix" };
    expect(matchesListing(upload({ key: "tmp/a" }), sel, NOW)).toBe(true);
    expect(matchesListing(upload({ key: "a/tmp/" }), sel, NOW)).toBe(false);
    expect(matchesListing(upload({ key: "TMP/a" }), sel, NOW)).toBe(false);
    expect(listingPrefix(sel)).toBe("tmp/");
    expect(listingPrefix({ ...sel, keyMatch: "contains" })).toBeUndefined();
  });

  it("keeps only explicit refs when given", () => {
    const refs = new Set([refKey({ bucket: "b", key: "k", uploadId: "u" })]);
    expect(matchesListing(upload(), base, NOW, refs)).toBe(true);
    expect(matchesListing(upload({ uploadId: "other" }), base, NOW, refs)).toBe(false);
  });
});

describe("parts criteria", () => {
  it("applies size and idle, and says unknown when parts could not be read", () => {
    const sel: BulkSelection = { ...base, largerThanBytes: 100, idleForMs: DAY };
    expect(matchesParts(upload(), sel, NOW)).toBe("match");
    expect(matchesParts(upload({ bytes: 99 }), sel, NOW)).toBe("no-match");
    expect(matchesParts(upload({ lastPartAt: iso(MIN * 30) }), sel, NOW)).toBe("no-match");
    expect(matchesParts(upload({ parts: null, bytes: null, lastPartAt: null }), sel, NOW)).toBe("unknown");
    expect(matchesParts(upload({ parts: null, bytes: null, lastPartAt: null }), base, NOW)).toBe("match");
  });

  it("counts the initiation as activity when newer than the parts", () => {
    expect(lastActivity({ initiated: iso(MIN), lastPartAt: null })).toBe(NOW - MIN);
    expect(lastActivity({ initiated: iso(DAY), lastPartAt: iso(MIN) })).toBe(NOW - MIN);
    expect(lastActivity({ initiated: null, lastPartAt: null })).toBeNull();
  });
});

describe("looksActive / classify", () => {
  it("excludes uploads with a part in the window, unless the window is 0", () => {
    const recent = upload({ lastPartAt: iso(5 * MIN) });
    expect(looksActive(recent, base, NOW)).toBe(true);
    expect(looksActive(upload({ lastPartAt: iso(16 * MIN), initiated: iso(DAY) }), base, NOW)).toBe(false);
    expect(looksActive(recent, { ...base, activeWithinMinutes: 0 }, NOW)).toBe(false);
    expect(looksActive(upload({ initiated: iso(2 * MIN), lastPartAt: null, parts: 0, bytes: 0 }), base, NOW)).toBe(true);
  });

  it("splits eligible, active and unknown", () => {
    const sel: BulkSelection = { ...base, largerThanBytes: 50 };
    const out = classify(
      [upload({ key: "old" }), upload({ key: "busy", lastPartAt: iso(MIN) }), upload({ key: "small", bytes: 1 }), upload({ key: "denied", parts: null, bytes: null })],
      sel,
      NOW,
    );
    expect(out.eligible.map((u) => u.key)).toEqual(["old"]);
    expect(out.active.map((u) => u.key)).toEqual(["busy"]);
    expect(out.unknown.map((u) => u.key)).toEqual(["denied"]);
  });
});

describe("summarize", () => {
  it("sums per bucket with the oldest and newest initiated", () => {
    const summary = summarize([
      upload({ bucket: "a", parts: 1, bytes: 10, initiated: iso(3 * DAY) }),
      upload({ bucket: "b", parts: 2, bytes: 20, initiated: iso(1 * DAY) }),
      upload({ bucket: "a", parts: null, bytes: null, initiated: iso(5 * DAY) }),
    ]);
    expect(summary.totals).toEqual({ count: 3, parts: 3, bytes: 30, partsUnknown: 1, oldestInitiated: iso(5 * DAY), newestInitiated: iso(DAY) });
    expect(summary.buckets.map((b) => [b.bucket, b.count, b.bytes])).toEqual([
      ["a", 2, 10],
      ["b", 1, 20],
    ]);
  });

  it("is all zero for nothing", () => {
    expect(summarize([]).totals).toEqual({ count: 0, parts: 0, bytes: 0, partsUnknown: 0, oldestInitiated: null, newestInitiated: null });
  });
});

describe("partsReadIsRecent", () => {
  it("lets a dry run's read stand only while it is younger than the limit", () => {
    expect(partsReadIsRecent(iso(59_999), NOW, MIN)).toBe(true);
    expect(partsReadIsRecent(iso(MIN), NOW, MIN)).toBe(false);
    expect(partsReadIsRecent(iso(15 * MIN), NOW, MIN)).toBe(false);
    expect(partsReadIsRecent(iso(0), NOW, 0)).toBe(false);
    expect(partsReadIsRecent(null, NOW, MIN)).toBe(false);
    expect(partsReadIsRecent("not a time", NOW, MIN)).toBe(false);
  });
});
