// The buckets view: per bucket, its uploads (count, bytes, the oldest), its lifecycle abort
// rules and which uploads those rules catch, assembled from an uploads listing and the
// buckets' lifecycles. Pure: the S3 calls that feed it are lib/s3/lifecycle.ts and the listing.
import {
  emptyCoverageTotals,
  hasAbortingRule,
  own,
  uncoveredUploads,
  type BucketLifecycle,
  type BucketOverview,
  type BucketOverviewRow,
  type CoverageRow,
} from "@/lib/lifecycle-coverage";
import type { ReclaimError } from "@/lib/s3/types";

/** The fields of a per-bucket listing result that the buckets view needs (BucketInventory fits). */
export interface ListedBucket {
  bucket: string;
  uploads: number;
  complete: boolean;
  error?: ReclaimError;
}

/** Per-bucket uploads + lifecycle + coverage, from an uploads listing and the buckets' lifecycles. */
export function buildBucketOverview(
  profileId: string,
  listing: {
    listedAt: string;
    rows: readonly (CoverageRow & { initiated: string | null })[];
    buckets: readonly ListedBucket[];
  },
  lifecycles: Readonly<Record<string, BucketLifecycle>>,
): BucketOverview {
  const coverage = uncoveredUploads(listing.rows, lifecycles);
  const stats = new Map<string, { bytes: number; uncounted: number; oldest: string | null }>();
  for (const row of listing.rows) {
    const s = stats.get(row.bucket) ?? { bytes: 0, uncounted: 0, oldest: null };
    if (row.partsInfo) s.bytes += row.partsInfo.bytes;
    else s.uncounted++;
    if (row.initiated && (s.oldest === null || Date.parse(row.initiated) < Date.parse(s.oldest)))
      s.oldest = row.initiated;
    stats.set(row.bucket, s);
  }
  const notRead: BucketLifecycle = {
    status: "error",
    error: { code: "unknown", message: "The lifecycle rules of this bucket were not read." },
  };
  const buckets = listing.buckets.map((listed): BucketOverviewRow => {
    const s = stats.get(listed.bucket);
    const byBucket = own(coverage.byBucket, listed.bucket);
    const row: BucketOverviewRow = {
      bucket: listed.bucket,
      uploads: listed.uploads,
      bytes: s?.bytes ?? 0,
      uncounted: s?.uncounted ?? 0,
      oldestInitiated: s?.oldest ?? null,
      complete: listed.complete,
      lifecycle: own(lifecycles, listed.bucket) ?? notRead,
      coverage: byBucket ?? {
        uncovered: emptyCoverageTotals(),
        covered: emptyCoverageTotals(),
        unknown: emptyCoverageTotals(),
      },
    };
    if (listed.error) row.listError = listed.error;
    return row;
  });
  return {
    profileId,
    listedAt: listing.listedAt,
    buckets,
    totals: {
      buckets: buckets.length,
      uploads: buckets.reduce((n, b) => n + b.uploads, 0),
      bytes: buckets.reduce((n, b) => n + b.bytes, 0),
      uncounted: buckets.reduce((n, b) => n + b.uncounted, 0),
      protectedBuckets: buckets.filter((b) => hasAbortingRule(b.lifecycle)).length,
      unreadableBuckets: buckets.filter(
        (b) => b.lifecycle.status === "denied" || b.lifecycle.status === "error",
      ).length,
      uncovered: coverage.uncovered,
      covered: coverage.covered,
      unknown: coverage.unknown,
    },
  };
}
