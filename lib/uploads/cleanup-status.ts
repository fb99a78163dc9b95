import "server-only";
import { historyTotals } from "@/lib/ledger/history";
import type { ReclaimedSum } from "@/lib/ledger/types";
import type { BucketLifecycle } from "@/lib/lifecycle-coverage";
import type { Profile } from "@/lib/profiles";
import { readAbortRulesForBuckets } from "@/lib/s3/lifecycle";

// What the dashboard header needs beside the live listing it already holds: what Reclaim
// has reclaimed on this profile (the ledger), and the abort rules of the buckets holding
// uploads. The browser works out "not caught" from its own rows (lib/lifecycle-coverage.ts),
// so nothing is listed again here.

export interface CleanupStatus {
  reclaimed: { allTime: ReclaimedSum; last7d: ReclaimedSum };
  /** Every bucket asked about: its abort rules, or (denied, error) why they could not be read. */
  lifecycles: Record<string, BucketLifecycle>;
}

/** One lifecycle GET per bucket; S3 failures become that bucket's status, never a throw. */
export async function cleanupStatus(
  profile: Profile,
  buckets: readonly string[],
): Promise<CleanupStatus> {
  const totals = await historyTotals({ profileId: profile.id });
  return {
    reclaimed: { allTime: totals.allTime, last7d: totals.last7d },
    lifecycles: await readAbortRulesForBuckets(profile, [...new Set(buckets)]),
  };
}
