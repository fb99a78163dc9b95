// Our own plain types for everything that crosses lib/s3's boundary. No SDK types leak out.

/** Typed S3 error codes the UI understands (see lib/s3/errors.ts for the mapping). */
export type S3ErrorCode =
  | "access-denied"
  | "no-such-bucket"
  | "no-such-upload"
  | "invalid-bucket-name"
  | "throttled"
  | "timeout"
  | "unreachable"
  | "invalid-credentials"
  | "not-implemented"
  /** The endpoint refused the lifecycle configuration we sent. */
  | "rejected"
  | "pager-stuck"
  | "page-cap"
  | "server-error"
  /** Not sent: another abort of the same upload was in flight (lib/uploads/service.ts). */
  | "abort-in-progress"
  | "unknown";

export interface ReclaimError {
  code: S3ErrorCode;
  /** The raw S3 error name / Code when there was one (e.g. "AccessDenied"). */
  s3Code?: string;
  httpStatus?: number;
  /** One short sentence for a person: what happened, where, what to do. */
  message: string;
  bucket?: string;
  key?: string;
}

export interface BucketSummary {
  name: string;
  createdAt: string | null;
}

/** One incomplete multipart upload as ListMultipartUploads lists it. */
export interface ListedUpload {
  key: string;
  uploadId: string;
  /** ISO timestamp stamped by the gateway. */
  initiated: string | null;
  storageClass: string | null;
  initiator: string | null;
  owner: string | null;
}

/** One incomplete multipart upload with its parts summarised on the server. */
export interface UploadSummary extends ListedUpload {
  bucket: string;
  /** Distinct part numbers listed by ListParts. */
  parts: number;
  /** Sum of part sizes, each part number counted once. */
  bytes: number;
  /** Newest part's LastModified (ISO), null when the upload has no parts. */
  lastPartAt: string | null;
  firstPartNumber: number | null;
  lastPartNumber: number | null;
  /** When these part numbers were read (ISO). */
  partsCheckedAt: string;
  /** Set when ListParts failed for this upload (listed, but parts unknown). */
  partsError?: ReclaimError;
}

export interface BucketInventory {
  bucket: string;
  uploads: number;
  parts: number;
  bytes: number;
  /** Present when the bucket could not be listed (completely or partly). */
  error?: ReclaimError;
  /** False when the listing stopped early: totals are a lower bound. */
  complete: boolean;
}

export interface InventoryTotals {
  buckets: number;
  uploads: number;
  parts: number;
  bytes: number;
  /** Buckets whose listing failed; totals exclude what could not be read. */
  failedBuckets: number;
  complete: boolean;
}

/** Outcome of one abort + verify, see docs/architecture.md "The abort/verify state machine". */
export type AbortOutcome =
  | "reclaimed"
  | "already-gone"
  | "verify-failed"
  | "denied"
  | "failed";

export interface AbortResult {
  bucket: string;
  key: string;
  uploadId: string;
  outcome: AbortOutcome;
  /** Abort requests sent. */
  attempts: number;
  partsBefore: number;
  bytesBefore: number;
  /** Parts still listed at the last verification (only for verify-failed). */
  partsRemaining: number;
  error?: ReclaimError;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

/** Identifies one upload on one profile. */
export interface UploadRef {
  bucket: string;
  key: string;
  uploadId: string;
}
