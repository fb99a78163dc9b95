// What the dashboard receives about uploads. Plain data, safe to send to the browser.
import type { LedgerEntry } from "@/lib/ledger/types";
import type { AbortResult, BucketInventory, ReclaimError, UploadRef } from "@/lib/s3/types";

export type { AbortResult, BucketInventory, ReclaimError, UploadRef };

/** Parts numbers of one upload, as last read with ListParts. */
export interface PartsInfo {
  parts: number;
  bytes: number;
  /** Newest part's LastModified (ISO); null when the upload has no parts. */
  lastPartAt: string | null;
  /** When ListParts was read (ISO). */
  checkedAt: string;
}

/** One row of the uploads table. */
export interface UploadRow extends UploadRef {
  /** Stable row id: bucket, key and upload id joined. */
  id: string;
  initiated: string | null;
  storageClass: string | null;
  initiator: string | null;
  /** Null until the server has read this upload's parts. */
  partsInfo: PartsInfo | null;
  /** ListParts failed for this upload (e.g. access denied); the row is still listed. */
  partsError?: ReclaimError;
}

export interface UploadListing {
  profileId: string;
  /** When ListMultipartUploads was read (ISO). */
  listedAt: string;
  rows: UploadRow[];
  /** Per bucket: counts, and an error when the bucket could not be listed. */
  buckets: BucketInventory[];
  /** Rows whose parts are still being read on the server (shown as "counting…"). */
  partsPending: number;
}

/** Where a browser's copy of the listing stands in the server's record of listings. */
export interface ListingCursor {
  /** Names the server process that issued it: a cursor from before a restart is not honoured. */
  epoch: string;
  seq: number;
}

/**
 * The dashboard's refresh. With `full`, `rows` is every listed upload (as in UploadListing);
 * otherwise only the rows added or changed since the cursor the browser sent, and `removed`
 * the ids no longer listed. `buckets` and `partsPending` always describe the whole listing.
 */
export interface UploadListingChanges extends UploadListing {
  full: boolean;
  removed: string[];
  cursor: ListingCursor;
}

/** Fresh parts numbers for rows in view; `gone` when the upload no longer exists. */
export interface PartsUpdate {
  id: string;
  gone: boolean;
  partsInfo: PartsInfo | null;
  partsError?: ReclaimError;
}

/** Live verification of rows being aborted: parts left, or gone. */
export interface VerifyResult {
  id: string;
  gone: boolean;
  partsRemaining: number;
  bytesRemaining: number;
  checkedAt: string;
  /** Set when this row could not be checked this time (e.g. the endpoint timed out). */
  error?: ReclaimError;
}

export function rowId(ref: UploadRef): string {
  return `${ref.bucket}\u0000${ref.key}\u0000${ref.uploadId}`;
}

// ------------------------------------------------------------------ re-verifying ledger rows

export type ReverifyStatus =
  /** Gone, by a cause nothing proves (our abort, a completion, a lifecycle rule): not counted. */
  | "gone-unknown"
  /** Gone, but another attempt of the same upload already counts it. */
  | "already-gone"
  /** Still listed on the endpoint. */
  | "still-there"
  /** Could not check: profile missing or changed, endpoint error. */
  | "unverifiable"
  /** An unknown row too recent to judge: its abort may still be running. */
  | "in-progress"
  /** Nothing to re-verify: the row's outcome is final (reclaimed, already-gone, denied). */
  | "not-applicable";

export interface ReverifyResult {
  id: number;
  status: ReverifyStatus;
  /** One sentence for the admin. */
  message: string;
  /** The row after the re-verification (null when it does not exist). */
  entry: LedgerEntry | null;
}

export interface RecoveryReport {
  checked: number;
  /** Gone, cause unknown: not counted as reclaimed. */
  goneUnknown: number;
  alreadyGone: number;
  /** Rows resolved to failed: the upload is still there. */
  failed: number;
  /** Rows that stay unknown (profile missing, endpoint error). */
  unresolved: number;
  /** Unknown rows skipped as too recent. */
  inProgress: number;
  results: ReverifyResult[];
}

/** What the dashboard itself sent to the profile's endpoint in the last hour, and what it costs. */
export interface RequestBillView {
  /** Start of the counted window (ISO): an hour ago, or the server's start if later. */
  since: string;
  requests: number;
  /** Requests S3 bills (aborts are free). */
  billableRequests: number;
  /** The profile's price per 1,000 requests (its LIST price). */
  pricePer1000: number;
  /** billableRequests at that price. */
  estimatedCost: number;
  /** Most requests first. */
  byCause: { cause: string; requests: number }[];
  byOperation: { operation: string; requests: number }[];
}
