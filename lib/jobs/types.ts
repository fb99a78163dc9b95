// Bulk cleanup: what is selected, what a dry run shows, what a job records. Plain data,
// safe to send to the browser (no profile secrets, no SDK objects).
import type { AbortOutcome, AbortResult, ReclaimError, UploadRef } from "@/lib/s3/types";

export type { AbortResult, ReclaimError, UploadRef };

/** Default "looks active" window: a part (or the initiation) this recent excludes the upload. */
export const DEFAULT_ACTIVE_WITHIN_MINUTES = 15;

/** How the key text matches: S3 prefix (exact), or anywhere in the key ignoring case (the uploads table's `q`). */
export type KeyMatch = "prefix" | "contains";

/** Where a selection was made: the uploads table says how many it showed selected. */
interface SelectionOrigin {
  from: "table";
  /** Uploads selected in the table when the admin pressed Review. */
  chosen: number;
}

/**
 * Which uploads a bulk job covers: a filter, or an explicit list of uploads (`refs`), of one
 * profile. Resolved on the server against a fresh listing with fresh part counts.
 */
export interface BulkSelection {
  profileId: string;
  /** Only these buckets; omitted = every bucket of the profile. */
  buckets?: string[];
  /** Key text and how it matches; omitted = every key. */
  key?: string;
  keyMatch?: KeyMatch;
  /** Initiated at least this long ago (ms). */
  olderThanMs?: number;
  /** At least this many bytes in parts. */
  largerThanBytes?: number;
  /** No part activity (newest part, or initiation when there is none) for at least this long (ms). */
  idleForMs?: number;
  /** An upload with activity in the last N minutes "looks active": excluded unless included. 0 = off. */
  activeWithinMinutes: number;
  /** Exactly these uploads (still subject to the criteria above). */
  refs?: UploadRef[];
  /** Set when the selection was made in the uploads table (refs, or "all matching" its filter). */
  origin?: SelectionOrigin;
}

/** One upload as the dry run saw it. */
export interface SelectedUpload extends UploadRef {
  initiated: string | null;
  /** Null when ListParts could not be read (e.g. denied): size unknown. */
  parts: number | null;
  bytes: number | null;
  lastPartAt: string | null;
  /** When ListParts was read for these numbers (ISO); null when unknown. */
  partsReadAt?: string | null;
}

export interface SelectionTotals {
  count: number;
  parts: number;
  bytes: number;
  /** Uploads whose parts could not be read: their parts/bytes are not in the sums. */
  partsUnknown: number;
  oldestInitiated: string | null;
  newestInitiated: string | null;
}

export interface BucketTotals extends SelectionTotals {
  bucket: string;
}

export interface SelectionSummary {
  totals: SelectionTotals;
  buckets: BucketTotals[];
}

/** The dry run: what a job would abort, and what it leaves out. */
export interface BulkPreview {
  previewId: string;
  profileId: string;
  selection: BulkSelection;
  /** When the listing was read (ISO). */
  resolvedAt: string;
  /** Uploads listed in the buckets (before the criteria). */
  listed: number;
  /** What the job aborts by default: matching uploads that do not look active. */
  eligible: SelectionSummary;
  /** Matching uploads that look active (excluded unless included). */
  active: SelectionSummary;
  /** eligible + active: what the job aborts when active uploads are included. */
  withActive: SelectionSummary;
  /** The active uploads themselves (up to ACTIVE_LIST_LIMIT). */
  activeUploads: SelectedUpload[];
  /** The first eligible uploads, oldest first (up to SAMPLE_LIMIT), for a glance. */
  sample: SelectedUpload[];
  /** Buckets that could not be listed: their uploads are not in the numbers. */
  bucketErrors: ReclaimError[];
  /** Uploads dropped because a size or idle criterion needs parts that could not be read. */
  unknownExcluded: number;
  /** Explicit refs that are no longer listed (aborted or completed since). */
  missingRefs: number;
  /** The first of them (up to MISSING_LIST_LIMIT), to name them. */
  missingUploads: UploadRef[];
}

export type PreviewState =
  | { previewId: string; status: "resolving"; phase: "listing" | "counting"; checked: number; toCheck: number }
  | { previewId: string; status: "ready"; preview: BulkPreview }
  | { previewId: string; status: "error"; error: ReclaimError };

export type JobStatus = "queued" | "running" | "cancelling" | "cancelled" | "done" | "finished-with-failures" | "failed";

/** Outcome of one item of a job; the first five are abortUpload's outcomes. */
export type ItemOutcome =
  | AbortOutcome
  /** Not started because the job was cancelled: the upload was not touched. */
  | "skipped"
  /** Read again just before its abort, it had become active after the preview: not touched. */
  | "skipped-active"
  /** Not started because the job stopped (endpoint unreachable, server restart): untouched. */
  | "not-attempted"
  /** Running when the server stopped: the abort may have been sent; the ledger row says "unknown". */
  | "interrupted";

export type ItemState = "pending" | "running" | ItemOutcome;

export const ITEM_OUTCOMES: readonly ItemOutcome[] = [
  "reclaimed",
  "already-gone",
  "verify-failed",
  "denied",
  "failed",
  "skipped",
  "skipped-active",
  "not-attempted",
  "interrupted",
];

export type OutcomeCounts = Record<ItemOutcome, number>;

export interface BulkJob {
  id: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  actorEmail: string;
  profileId: string;
  endpointHost: string;
  selection: BulkSelection;
  includeActive: boolean;
  status: JobStatus;
  total: number;
  /** Items with a final state (including skipped / not attempted). */
  done: number;
  partsSelected: number;
  bytesSelected: number;
  bytesReclaimed: number;
  counts: OutcomeCounts;
  /** Why the job stopped or failed; a sentence for a person. */
  message: string | null;
}

export interface BulkJobItem extends UploadRef {
  seq: number;
  initiated: string | null;
  partsBefore: number | null;
  bytesBefore: number | null;
  state: ItemState;
  /** abortUpload calls made for this item (more than one after throttling). */
  attempts: number;
  bytesReclaimed: number;
  errorCode: string | null;
  errorMessage: string | null;
  /** The ledger row (abort_attempt.id) of the last abort attempt. */
  ledgerId: number | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobItemsPage {
  items: BulkJobItem[];
  /** Items matching the state filter. */
  total: number;
  offset: number;
  limit: number;
}

export type ItemFilter = "all" | "problems" | ItemState;
