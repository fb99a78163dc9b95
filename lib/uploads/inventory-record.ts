import "server-only";
import type { BucketLifecycle } from "@/lib/lifecycle-coverage";
import type { ReclaimError } from "@/lib/s3/types";
import { getParts } from "@/lib/uploads/parts-cache";
import type { BucketInventory, UploadListing, UploadRow } from "@/lib/uploads/types";

// What the server last learned about each profile's uploads, kept for readers that must not
// send S3 requests of their own: the Prometheus metrics (a scrape every 15 s costs nothing)
// and /api/ready. The listing service and the lifecycle reads report here as they go; parts
// numbers are read from the parts cache at the moment of asking, so they are as fresh as the
// dashboard's own.

/** ok: every bucket listed; partial: some buckets could not be listed; failed: nothing could. */
export type InventoryOutcome = "ok" | "partial" | "failed";

interface ProfileRecord {
  /** When the last listing (of any outcome) ended, epoch ms. */
  lastAttemptAt: number;
  lastOutcome: InventoryOutcome;
  /** The last listing's error: the ListBuckets failure, or the first bucket that failed. */
  lastError: ReclaimError | null;
  /** When a listing last read the profile's buckets (ok or partial), epoch ms. */
  lastSuccessAt: number | null;
  /** That listing. */
  listing: UploadListing | null;
  /** Uploads found gone (aborted, or seen gone) since that listing. */
  gone: Set<string>;
  /** Each bucket's abort rules as last read, and when. */
  lifecycles: Map<string, { lifecycle: BucketLifecycle; readAt: number }>;
}

// On globalThis: the route handlers and the listing service may live in different bundles.
const globalForRecord = globalThis as unknown as { reclaimInventoryRecord?: Map<string, ProfileRecord> };
const records = (globalForRecord.reclaimInventoryRecord ??= new Map<string, ProfileRecord>());

function recordFor(profileId: string): ProfileRecord {
  let record = records.get(profileId);
  if (!record) {
    record = {
      lastAttemptAt: 0,
      lastOutcome: "failed",
      lastError: null,
      lastSuccessAt: null,
      listing: null,
      gone: new Set(),
      lifecycles: new Map(),
    };
    records.set(profileId, record);
  }
  return record;
}

/** A full listing of the profile (every bucket, no prefix) has ended. */
export function noteListing(profileId: string, listing: UploadListing, at = Date.now()): void {
  const record = recordFor(profileId);
  const failed = listing.buckets.filter((bucket) => bucket.error);
  record.lastAttemptAt = at;
  record.lastOutcome = failed.length > 0 ? "partial" : "ok";
  record.lastError = failed[0]?.error ?? null;
  record.lastSuccessAt = at;
  record.listing = listing;
  record.gone = new Set();
}

/** A full listing failed before any bucket was read (ListBuckets denied, endpoint down…). */
export function noteListingFailure(profileId: string, error: ReclaimError, at = Date.now()): void {
  const record = recordFor(profileId);
  record.lastAttemptAt = at;
  record.lastOutcome = "failed";
  record.lastError = error;
}

export function noteGone(profileId: string, rowId: string): void {
  records.get(profileId)?.gone.add(rowId);
}

export function noteLifecycles(profileId: string, lifecycles: Readonly<Record<string, BucketLifecycle>>, at = Date.now()): void {
  const record = recordFor(profileId);
  for (const [bucket, lifecycle] of Object.entries(lifecycles)) record.lifecycles.set(bucket, { lifecycle, readAt: at });
}

/** What is known about one profile's uploads now, without asking S3. */
export interface KnownInventory {
  profileId: string;
  lastAttemptAt: number | null;
  lastOutcome: InventoryOutcome | null;
  lastError: ReclaimError | null;
  lastSuccessAt: number | null;
  /** The last successful listing's rows still believed present, with today's parts numbers. */
  rows: UploadRow[];
  /** That listing's buckets (with their listing errors). */
  buckets: BucketInventory[];
  /** Abort rules of the buckets whose rules were read (own properties only). */
  lifecycles: Record<string, BucketLifecycle>;
}

export function knownInventory(profileId: string): KnownInventory {
  const record = records.get(profileId);
  if (!record) {
    return { profileId, lastAttemptAt: null, lastOutcome: null, lastError: null, lastSuccessAt: null, rows: [], buckets: [], lifecycles: {} };
  }
  const rows = (record.listing?.rows ?? [])
    .filter((row) => !record.gone.has(row.id))
    .map((row) => {
      // Today's numbers from the parts cache (null while the upload is not counted).
      const partsInfo = getParts(profileId, row.id);
      return partsInfo === row.partsInfo ? row : { ...row, partsInfo };
    });
  return {
    profileId,
    lastAttemptAt: record.lastAttemptAt || null,
    lastOutcome: record.lastAttemptAt ? record.lastOutcome : null,
    lastError: record.lastError,
    lastSuccessAt: record.lastSuccessAt,
    rows,
    buckets: record.listing?.buckets ?? [],
    lifecycles: Object.fromEntries([...record.lifecycles].map(([bucket, { lifecycle }]) => [bucket, lifecycle])),
  };
}
