import "server-only";
import { getEnv } from "@/lib/env";
import { historyTotals } from "@/lib/ledger/history";
import type { ReclaimedSum } from "@/lib/ledger/types";
import type { BucketLifecycle } from "@/lib/lifecycle-coverage";
import type { CatchingPolicy } from "@/lib/policies/coverage";
import { catchingPolicies } from "@/lib/policies/store";
import type { Profile } from "@/lib/profiles";
import { readAbortRulesForBuckets } from "@/lib/s3/lifecycle";
import { lifecycleReuseMs, rereadSettings } from "@/lib/uploads/reread-policy";
import { noteLifecycles } from "@/lib/uploads/inventory-record";

// What the dashboard header needs beside the live listing it already holds: what Reclaim
// has reclaimed on this profile (the ledger), and the abort rules of the buckets holding
// uploads. The browser works out "not caught" from its own rows (lib/lifecycle-coverage.ts),
// so nothing is listed again here.

export interface CleanupStatus {
  reclaimed: { allTime: ReclaimedSum; last7d: ReclaimedSum };
  /** Every bucket asked about: its abort rules, or (denied, error) why they could not be read. */
  lifecycles: Record<string, BucketLifecycle>;
  /** The profile's enabled abort policies: the browser works out which uploads they catch. */
  policies: CatchingPolicy[];
}

/**
 * Rules read recently, per profile and bucket, shared by every tab: rules change rarely, and
 * a change made through Reclaim forgets the bucket's entry (forgetLifecycleRead).
 */
const rulesRead = new Map<string, { readAt: number; lifecycle: BucketLifecycle }>();

function ruleKey(profileId: string, bucket: string): string {
  return `${profileId}\u0000${bucket}`;
}

/** The bucket's rules were changed through Reclaim: the next header read asks S3 again. */
export function forgetLifecycleRead(profileId: string, bucket: string): void {
  rulesRead.delete(ruleKey(profileId, bucket));
}

/** One lifecycle GET per bucket not read recently; S3 failures become that bucket's status, never a throw. */
export async function cleanupStatus(
  profile: Profile,
  buckets: readonly string[],
): Promise<CleanupStatus> {
  const totals = await historyTotals({ profileId: profile.id });
  const reuseMs = lifecycleReuseMs(rereadSettings(getEnv()));
  const now = Date.now();
  const known: [string, BucketLifecycle][] = [];
  const toRead: string[] = [];
  for (const bucket of new Set(buckets)) {
    const recent = rulesRead.get(ruleKey(profile.id, bucket));
    if (recent && now - recent.readAt < reuseMs) known.push([bucket, recent.lifecycle]);
    else toRead.push(bucket);
  }
  const read = toRead.length > 0 ? await readAbortRulesForBuckets(profile, toRead) : {};
  for (const [bucket, lifecycle] of Object.entries(read)) {
    known.push([bucket, lifecycle]);
    // A failed read (timeout, 5xx) is asked again next time.
    if (lifecycle.status !== "error") rulesRead.set(ruleKey(profile.id, bucket), { readAt: now, lifecycle });
  }
  // fromEntries defines own properties: a bucket named "__proto__" stays data.
  const lifecycles = Object.fromEntries(known);
  noteLifecycles(profile.id, lifecycles);
  return { reclaimed: { allTime: totals.allTime, last7d: totals.last7d }, lifecycles, policies: await catchingPolicies(profile.id) };
}
