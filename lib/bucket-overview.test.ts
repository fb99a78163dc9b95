import { describe, expect, it } from "vitest";
import { buildBucketOverview } from "@/lib/bucket-overview";

describe("buildBucketOverview", () => {
  it("adds up uploads, bytes, the oldest upload and coverage per bucket", () => {
    const overview = buildBucketOverview(
      "local",
      {
        listedAt: "2026-11-27T10:00:00.000Z",
        rows: [
          {
            bucket: "a",
            key: "tmp/1",
            initiated: "2026-11-20T00:00:00.000Z",
            partsInfo: { bytes: 10 },
          },
          {
            bucket: "a",
            key: "x/2",
            initiated: "2026-08-01T00:00:00.000Z",
            partsInfo: { bytes: 5 },
          },
          { bucket: "a", key: "x/3", initiated: null, partsInfo: null },
        ],
        buckets: [
          { bucket: "a", uploads: 3, complete: true },
          {
            bucket: "b",
            uploads: 0,
            complete: false,
            error: { code: "access-denied", message: "no list" },
          },
        ],
      },
      {
        a: {
          status: "rules",
          otherRules: 0,
          rules: [{ id: "r", ours: false, enabled: true, days: 7, prefix: "tmp/", conditions: [] }],
        },
        b: { status: "none" },
      },
    );
    const [a, b] = overview.buckets;
    expect(a).toMatchObject({
      bucket: "a",
      uploads: 3,
      bytes: 15,
      uncounted: 1,
      oldestInitiated: "2026-08-01T00:00:00.000Z",
      complete: true,
    });
    expect(a?.coverage.uncovered).toEqual({ uploads: 2, bytes: 5, uncounted: 1 });
    expect(b).toMatchObject({
      bucket: "b",
      uploads: 0,
      bytes: 0,
      oldestInitiated: null,
      complete: false,
      listError: { code: "access-denied" },
    });
    expect(overview.totals).toMatchObject({
      buckets: 2,
      uploads: 3,
      bytes: 15,
      protectedBuckets: 1,
      unreadableBuckets: 0,
    });
    expect(overview.totals.uncovered).toEqual({ uploads: 2, bytes: 5, uncounted: 1 });
  });
});
