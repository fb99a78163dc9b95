import type { ItemState, JobStatus } from "@/lib/jobs/types";
import type { LedgerOutcome, OutcomeFilter } from "@/lib/ledger/types";

// How every outcome reads, wherever it is shown: one table, so "already gone" looks the same
// on the history page, in a bulk job's report and in server messages. Plain data.

export type Tone = "neutral" | "info" | "success" | "warning" | "danger";

/** An abort's outcome in the ledger, or the state of one item of a bulk job. */
export type Outcome = LedgerOutcome | ItemState;

export interface OutcomeText {
  label: string;
  tone: Tone;
  /** What it means, for tooltips. */
  hint: string;
}

export const OUTCOMES: Record<Outcome, OutcomeText> = {
  pending: { label: "Pending", tone: "neutral", hint: "Waiting its turn." },
  running: { label: "Running", tone: "info", hint: "Aborting and verifying now." },
  reclaimed: { label: "Reclaimed", tone: "success", hint: "Aborted, and ListParts proved the parts are gone." },
  "already-gone": {
    label: "Already gone",
    tone: "neutral",
    hint: "Gone before this abort (another admin, a lifecycle rule or a completion got there first); nothing counted.",
  },
  "gone-unknown": {
    label: "Gone (cause unknown)",
    tone: "neutral",
    hint: "Found gone on a later re-verification: the interrupted or failed abort, its uploader completing it, or a lifecycle rule may have ended it; nothing counted.",
  },
  "verify-failed": {
    label: "Verify failed",
    tone: "warning",
    hint: "Aborted, but parts were still listed after every retry (an upload may still be writing to it); re-verify or abort again.",
  },
  denied: { label: "Denied", tone: "danger", hint: "The profile's key may not abort uploads in this bucket." },
  failed: { label: "Failed", tone: "danger", hint: "The abort could not be sent or verified; the reason says why." },
  unknown: {
    label: "Unknown",
    tone: "warning",
    hint: "The abort was interrupted before its result was recorded; re-verify to resolve it.",
  },
  skipped: {
    label: "Skipped (cancelled)",
    tone: "neutral",
    hint: "Not started because the job was cancelled; the upload was not touched.",
  },
  "skipped-active": {
    label: "Skipped (active)",
    tone: "info",
    hint: "Read again just before its abort, it had received a part after the preview: left untouched.",
  },
  "not-attempted": {
    label: "Not attempted",
    tone: "neutral",
    hint: "Not started because the job stopped early; the upload was not touched.",
  },
  interrupted: {
    label: "Interrupted",
    tone: "warning",
    hint: "The server stopped during this abort; the ledger keeps it as unknown until verified.",
  },
};

/** The history filter's choices: every ledger outcome, and the attempts needing a look. */
export function outcomeFilterLabel(filter: OutcomeFilter): string {
  return filter === "needs-attention" ? "Needs attention" : OUTCOMES[filter].label;
}

export const JOB_STATUSES: Record<JobStatus, { label: string; tone: Tone }> = {
  queued: { label: "Queued", tone: "info" },
  running: { label: "Running", tone: "info" },
  cancelling: { label: "Cancelling", tone: "warning" },
  cancelled: { label: "Cancelled", tone: "neutral" },
  done: { label: "Done", tone: "success" },
  "finished-with-failures": { label: "Finished with failures", tone: "warning" },
  failed: { label: "Failed", tone: "danger" },
};
