// Pure rules of a job's outcome: the final status, which failures mean "the endpoint is
// gone", which may be retried, and the sentences a person reads.
import type { AbortResult, JobStatus, OutcomeCounts, ReclaimError } from "@/lib/jobs/types";
import { ITEM_OUTCOMES } from "@/lib/jobs/types";
import { plural } from "@/lib/format";
import { OUTCOMES } from "@/lib/outcomes";

export function emptyCounts(): OutcomeCounts {
  return Object.fromEntries(ITEM_OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;
}

export type StopReason = "cancelled" | "unreachable" | "error" | null;

/**
 * The job's final status. Only when every item was reclaimed or already gone is it "done";
 * any verify-failed / denied / failed / interrupted item makes it "finished-with-failures";
 * a cancel is "cancelled"; a job stopped by an unreachable endpoint or a bug is "failed".
 */
export function finalStatus(counts: OutcomeCounts, stop: StopReason): JobStatus {
  if (stop === "unreachable" || stop === "error") return "failed";
  if (stop === "cancelled") return "cancelled";
  const problems = counts["verify-failed"] + counts.denied + counts.failed + counts.interrupted + counts["not-attempted"] + counts.skipped;
  return problems > 0 ? "finished-with-failures" : "done";
}

export function isFinished(status: JobStatus): boolean {
  return status !== "queued" && status !== "running" && status !== "cancelling";
}

/** A failure that says the endpoint cannot be reached (not that this upload has a problem). */
export function isUnreachable(result: Pick<AbortResult, "outcome" | "error">): boolean {
  return result.outcome === "failed" && (result.error?.code === "unreachable" || result.error?.code === "timeout");
}

/** A failure worth another try after a pause: the endpoint asked us to slow down. */
export function isThrottled(result: Pick<AbortResult, "outcome" | "error">): boolean {
  return result.outcome === "failed" && result.error?.code === "throttled";
}

/** Wait before throttle retry n (0-based): 0.5 s, 1 s, 2 s, … capped at 8 s, with ±20 % jitter. */
export function throttleBackoffMs(retry: number, base = 500, random: () => number = Math.random): number {
  const delay = Math.min(8_000, base * 2 ** retry);
  return Math.round(delay * (0.8 + 0.4 * random()));
}

/**
 * Counts failures that mean "endpoint unreachable" in a row; any other result resets it.
 * `record` returns true once the limit is reached: stop sending aborts.
 */
export class UnreachableStreak {
  private streak = 0;
  lastError: ReclaimError | undefined;

  constructor(readonly limit: number) {}

  record(result: Pick<AbortResult, "outcome" | "error">): boolean {
    if (isUnreachable(result)) {
      this.streak++;
      this.lastError = result.error;
    } else {
      this.streak = 0;
    }
    return this.streak >= this.limit;
  }

  get count(): number {
    return this.streak;
  }
}

export function unreachableMessage(limit: number, notAttempted: number, last: ReclaimError | undefined): string {
  const cause = last ? ` Last error: ${last.message}` : "";
  return (
    `Stopped: ${plural(limit, "abort")} in a row could not reach the endpoint, so ${plural(notAttempted, "upload was", "uploads were")} not attempted and left untouched.` +
    ` Run the same filter again once the endpoint is back to finish them.${cause}`
  );
}

export function databaseFailureMessage(reason: string, notAttempted: number, interrupted: number): string {
  const unwritten =
    interrupted > 0
      ? ` ${plural(interrupted, "abort's result", "aborts' results")} could not be written to the job: the ledger keeps what happened, or "unknown" until verified again.`
      : "";
  return (
    `Stopped: the database failed (${reason}), so every abort stopped. ${plural(notAttempted, "upload was", "uploads were")} not attempted and left untouched — run the same filter again once the database is healthy.` +
    unwritten
  );
}

export function cancelledMessage(skipped: number): string {
  return `Cancelled: ${plural(skipped, "upload was", "uploads were")} not started and left untouched; aborts already sent were verified and recorded.`;
}

export function interruptedMessage(notAttempted: number, interrupted: number): string {
  const unsure =
    interrupted > 0
      ? ` ${plural(interrupted, "abort was", "aborts were")} in flight: the ledger marks them "unknown" until they are verified again.`
      : "";
  return `Interrupted: the server stopped while this job ran. ${plural(notAttempted, "upload was", "uploads were")} not attempted and left untouched — run the same filter again to finish.${unsure}`;
}

export function summaryMessage(status: JobStatus, counts: OutcomeCounts): string | null {
  if (status === "done") {
    const skipped = counts["skipped-active"];
    return skipped > 0
      ? `Done. ${plural(skipped, "upload was", "uploads were")} skipped: they became active after the preview (a part arrived within the activity window), so they were left untouched.`
      : null;
  }
  if (status !== "finished-with-failures") return null;
  const failures = (["verify-failed", "denied", "failed"] as const)
    .filter((o) => counts[o] > 0)
    .map((o) => `${counts[o].toLocaleString("en-US")} ${OUTCOMES[o].label.toLowerCase()}`);
  return `Finished with failures: ${failures.join(", ")}. The failed uploads were not aborted or not proven gone; see each row's reason.`;
}
