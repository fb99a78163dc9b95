// Per-bucket figures for the inventory gauges, worked out from what the server already knows
// about a profile's uploads (lib/uploads/inventory-record.ts): no S3 request is sent.
import { own, uncoveredUploads, type BucketLifecycle } from "@/lib/lifecycle-coverage";
import { monthlyCostOfRows, type StoragePrice } from "@/lib/money";
import type { BucketInventory, UploadRow } from "@/lib/uploads/types";

export interface BucketGauges {
  bucket: string;
  uploads: number;
  /** Bytes of the uploads whose parts are counted. */
  bytes: number;
  /** Uploads whose parts are not counted yet: `bytes` is a lower bound while this is above 0. */
  unsized: number;
  /** Age of the oldest upload (by Initiated); null when the bucket has none with a date. */
  oldestSeconds: number | null;
  costPerMonth: number;
  /** Bytes nothing will abort (no lifecycle rule, no Reclaim policy); null when the bucket's rules are unknown. */
  uncoveredBytes: number | null;
}

/**
 * Whether a Reclaim policy would abort this upload. Policies count as coverage beside
 * lifecycle rules; until they exist, none does. The policies module plugs its matcher in here.
 */
export type PolicyCoverage = (row: UploadRow) => boolean;
const noPolicyCoverage: PolicyCoverage = () => false;

/** Statuses under which a bucket's rules are known (unknown ones give no "uncovered" figure). */
function rulesKnown(lifecycle: BucketLifecycle | undefined): boolean {
  return lifecycle?.status === "rules" || lifecycle?.status === "none" || lifecycle?.status === "unsupported";
}

export function bucketGauges(input: {
  buckets: readonly BucketInventory[];
  rows: readonly UploadRow[];
  lifecycles: Readonly<Record<string, BucketLifecycle>>;
  price: StoragePrice;
  now: number;
  coveredByPolicy?: PolicyCoverage;
}): BucketGauges[] {
  const coveredByPolicy = input.coveredByPolicy ?? noPolicyCoverage;
  const rowsByBucket = new Map<string, UploadRow[]>();
  for (const bucket of input.buckets) rowsByBucket.set(bucket.bucket, []);
  for (const row of input.rows) {
    let list = rowsByBucket.get(row.bucket);
    if (!list) rowsByBucket.set(row.bucket, (list = []));
    list.push(row);
  }
  const coverage = uncoveredUploads(
    input.rows.filter((row) => !coveredByPolicy(row)),
    input.lifecycles,
  );
  return [...rowsByBucket].map(([bucket, rows]) => {
    let bytes = 0;
    let unsized = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (const row of rows) {
      if (row.partsInfo) bytes += row.partsInfo.bytes;
      else unsized++;
      const initiated = row.initiated ? Date.parse(row.initiated) : Number.NaN;
      if (initiated < oldest) oldest = initiated;
    }
    const known = rows.length === 0 || rulesKnown(own(input.lifecycles, bucket));
    return {
      bucket,
      uploads: rows.length,
      bytes,
      unsized,
      oldestSeconds: Number.isFinite(oldest) ? Math.max(0, (input.now - oldest) / 1000) : null,
      costPerMonth: monthlyCostOfRows(rows, input.price),
      uncoveredBytes: known ? (own(coverage.byBucket, bucket)?.uncovered.bytes ?? 0) : null,
    };
  });
}
