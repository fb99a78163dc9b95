import "server-only";
import { historyTotals, type ReclaimedSum } from "@/lib/ledger/history";
import type { CoverageTotals } from "@/lib/lifecycle-coverage";
import type { Profile } from "@/lib/profiles";
import { ReclaimS3Error } from "@/lib/s3/errors";
import { lifecycleCoverage } from "@/lib/s3/lifecycle";
import type { ReclaimError } from "@/lib/s3/types";
import { listUploads } from "@/lib/uploads/service";

// What the dashboard header shows beside the live inventory: what Reclaim has already
// reclaimed on this profile (the ledger) and how much of what is still held no lifecycle
// rule would ever abort.

export interface LifecycleTotals {
  /** No enabled abort rule catches them: they stay until someone aborts them. */
  notCaught: CoverageTotals;
  covered: CoverageTotals;
  /** In buckets whose lifecycle could not be read (denied, error). */
  unknown: CoverageTotals;
}

export interface CleanupStatus {
  /** When this was computed (ISO). */
  asOf: string;
  reclaimed: { allTime: ReclaimedSum; last7d: ReclaimedSum };
  /** Null when the uploads or rules could not be read; `lifecycleError` says why. */
  lifecycle: LifecycleTotals | null;
  lifecycleError: ReclaimError | null;
}

export async function cleanupStatus(profile: Profile): Promise<CleanupStatus> {
  const totals = historyTotals({ profileId: profile.id });
  const reclaimed = { allTime: totals.allTime, last7d: totals.last7d };
  try {
    // The listing's parts come from the server's parts cache: this costs one
    // ListMultipartUploads per bucket, and one lifecycle GET per bucket holding uploads.
    const listing = await listUploads(profile);
    const coverage = await lifecycleCoverage(profile, listing.rows);
    return {
      asOf: listing.listedAt,
      reclaimed,
      lifecycle: {
        notCaught: coverage.uncovered,
        covered: coverage.covered,
        unknown: coverage.unknown,
      },
      lifecycleError: null,
    };
  } catch (error) {
    if (!(error instanceof ReclaimS3Error)) throw error;
    return {
      asOf: new Date().toISOString(),
      reclaimed,
      lifecycle: null,
      lifecycleError: error.detail,
    };
  }
}
