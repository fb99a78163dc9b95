import { describe, expect, it } from "vitest";
import type { BucketLifecycle } from "@/lib/lifecycle-coverage";
import { bucketGauges } from "@/lib/metrics/inventory-gauges";
import { resolveStoragePrice } from "@/lib/money";
import type { UploadRow } from "@/lib/uploads/types";

const now = Date.parse("2026-12-01T12:00:00Z");
const price = resolveStoragePrice({ currency: "USD", perGiBMonth: 1, byStorageClass: { COLD: 0.5 } }, "127.0.0.1");

function row(bucket: string, key: string, bytes: number | null, initiated: string | null, storageClass: string | null = null): UploadRow {
  return {
    bucket,
    key,
    uploadId: `${key}-id`,
    id: `${bucket}\u0000${key}`,
    initiated,
    storageClass,
    initiator: null,
    partsInfo: bytes === null ? null : { parts: 1, bytes, lastPartAt: null, checkedAt: new Date(now).toISOString() },
  };
}

const rule = (prefix: string): BucketLifecycle => ({
  status: "rules",
  otherRules: 0,
  rules: [{ id: "r", ours: false, enabled: true, days: 1, prefix, conditions: [] }],
});

describe("bucketGauges", () => {
  const buckets = ["logs", "media", "empty"].map((bucket) => ({ bucket, uploads: 0, parts: 0, bytes: 0, complete: true }));
  const rows = [
    row("logs", "tmp/a", 1024, "2026-12-01T11:00:00Z"),
    row("logs", "keep/b", 2048, "2026-11-30T12:00:00Z", "COLD"),
    row("logs", "keep/c", null, null),
    row("media", "x", 4096, "2026-12-01T11:59:00Z"),
  ];

  it("counts uploads, sized bytes, the oldest age and the cost per bucket", () => {
    const gauges = bucketGauges({ buckets, rows, lifecycles: { logs: rule("tmp/") }, price, now });
    const logs = gauges.find((g) => g.bucket === "logs");
    expect(logs).toEqual({
      bucket: "logs",
      uploads: 3,
      bytes: 3072,
      unsized: 1,
      oldestSeconds: 86_400,
      costPerMonth: (1024 * 1 + 2048 * 0.5) / 1024 ** 3,
      uncoveredBytes: 2048,
    });
    // media's rules were never read: no "uncovered" figure rather than a guess.
    expect(gauges.find((g) => g.bucket === "media")?.uncoveredBytes).toBeNull();
    expect(gauges.find((g) => g.bucket === "empty")).toMatchObject({ uploads: 0, bytes: 0, oldestSeconds: null, uncoveredBytes: 0 });
  });

  it("counts denied rules as unknown, no rules as uncovered, and a policy as coverage", () => {
    const denied: BucketLifecycle = { status: "denied", error: { code: "access-denied", message: "no" } };
    const gauges = bucketGauges({ buckets, rows, lifecycles: { logs: denied, media: { status: "none" } }, price, now });
    expect(gauges.find((g) => g.bucket === "logs")?.uncoveredBytes).toBeNull();
    expect(gauges.find((g) => g.bucket === "media")?.uncoveredBytes).toBe(4096);
    const withPolicy = bucketGauges({
      buckets,
      rows,
      lifecycles: { media: { status: "none" } },
      price,
      now,
      coveredByPolicy: (r) => r.bucket === "media",
    });
    expect(withPolicy.find((g) => g.bucket === "media")?.uncoveredBytes).toBe(0);
  });
});
