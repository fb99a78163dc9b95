import type { ItemState, JobStatus } from "@/lib/jobs/types";

// Badge tones and short hints for job statuses and item states (labels: lib/jobs/status.ts).

export type Tone = "neutral" | "info" | "success" | "warning" | "danger";

export const STATUS_TONE: Record<JobStatus, Tone> = {
  queued: "info",
  running: "info",
  cancelling: "warning",
  cancelled: "neutral",
  done: "success",
  "finished-with-failures": "warning",
  failed: "danger",
};

export const ITEM_TONE: Record<ItemState, Tone> = {
  pending: "neutral",
  running: "info",
  reclaimed: "success",
  "already-gone": "info",
  "verify-failed": "warning",
  denied: "danger",
  failed: "danger",
  skipped: "neutral",
  "skipped-active": "info",
  "not-attempted": "neutral",
  interrupted: "warning",
};

export const ITEM_HINT: Record<ItemState, string> = {
  pending: "Waiting its turn.",
  running: "Aborting and verifying now.",
  reclaimed: "Aborted, and ListParts proved the parts are gone.",
  "already-gone": "Someone (another admin, a lifecycle rule) aborted or completed it first; nothing reclaimed by this job.",
  "verify-failed": "Aborted, but parts were still listed after every retry: an upload may still be writing to it.",
  denied: "The profile's key may not abort here: a permission problem.",
  failed: "The abort could not be sent or verified; see the reason.",
  skipped: "Not started because the job was cancelled; the upload was not touched.",
  "skipped-active": "Read again just before its abort, it had received a part after the preview: left untouched.",
  "not-attempted": "Not started because the job stopped early; the upload was not touched.",
  interrupted: "The server stopped during this abort; the ledger keeps it as unknown until verified.",
};
