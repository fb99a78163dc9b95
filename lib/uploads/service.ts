import "server-only";
import type { SessionUser } from "@/lib/auth/session";
import { recordAbortResult, recordIntent } from "@/lib/ledger/ledger";
import type { LedgerEntry } from "@/lib/ledger/types";
import { resolveInterruptedAsGone } from "@/lib/uploads/recovery";
import type { Profile } from "@/lib/profiles";
import { toPublicProfile } from "@/lib/profiles";
import { abortAndVerify, verifyGone, type PartsSnapshot } from "@/lib/s3/abort";
import { getEnv } from "@/lib/env";
import { mapWithConcurrency } from "@/lib/s3/concurrency";
import { toReclaimError } from "@/lib/s3/errors";
import { listBucketUploads, listBuckets, refreshParts as readParts, type UploadPartsResult } from "@/lib/s3/inventory";
import type { AbortResult, BucketInventory, ReclaimError, UploadRef } from "@/lib/s3/types";
import { recordListing } from "@/lib/uploads/listing-journal";
import { forgetParts, getParts, isStale, pruneParts, setParts, staleAfterMs } from "@/lib/uploads/parts-cache";
import {
  rowId,
  type ListingCursor,
  type PartsUpdate,
  type UploadListing,
  type UploadListingChanges,
  type UploadRow,
  type VerifyResult,
} from "@/lib/uploads/types";

// What the dashboard's actions call. The listing is cheap (ListMultipartUploads, one
// request per 1,000 uploads); parts come from the cache, refreshed in the background for
// stale rows and on demand for the rows in view.

/** How long a listing waits for a cold cache to fill before answering with "counting…". */
const FIRST_SCAN_WAIT_MS = 1_200;

const scans = new Map<string, Promise<void>>();

/**
 * The dashboard polls every few seconds, mostly to show parts being counted. A full listing
 * is re-read from S3 once the last one is older than this many times what it took, so a big
 * inventory (20,000 uploads: seconds per listing) is not re-listed back to back, and the
 * gateway spends at most a fifth of its time listing for us. Small inventories re-list on
 * every refresh, as before.
 */
const RELIST_AFTER_LISTING_TIMES = 5;
/** However slow the listing, uploads that appeared or left show within this time. */
const RELIST_AT_LEAST_EVERY_MS = 60_000;

interface RecentListing {
  listing: UploadListing;
  readAt: number;
  tookMs: number;
}

const recentListings = new Map<string, RecentListing>();
const listingsInFlight = new Map<string, Promise<RecentListing>>();
/** Per profile, how many times an upload was found gone: a listing begun before the last one is not re-used. */
const goneCounts = new Map<string, number>();

/** The upload is gone (aborted, or seen gone): forget its parts, and re-list next time. */
function forgetUpload(profileId: string, id: string): void {
  forgetParts(profileId, id);
  recentListings.delete(profileId);
  goneCounts.set(profileId, (goneCounts.get(profileId) ?? 0) + 1);
}

function applyPartsResult(profileId: string, result: UploadPartsResult): PartsUpdate {
  const id = rowId(result.ref);
  if (result.status === "listed") {
    const partsInfo = {
      parts: result.parts.parts,
      bytes: result.parts.bytes,
      lastPartAt: result.parts.lastPartAt,
      checkedAt: result.parts.checkedAt,
    };
    setParts(profileId, id, partsInfo);
    return { id, gone: false, partsInfo };
  }
  if (result.status === "gone") {
    forgetUpload(profileId, id);
    return { id, gone: true, partsInfo: null };
  }
  return { id, gone: false, partsInfo: getParts(profileId, id), partsError: result.error };
}

/** Starts (unless one is running) a background read of the parts of these uploads. */
function scanParts(profile: Profile, refs: UploadRef[]): Promise<void> {
  const running = scans.get(profile.id);
  if (running) return running;
  const scan = readParts(profile, refs, undefined, {
    onResult: (result) => applyPartsResult(profile.id, result),
  })
    .then(() => undefined)
    .catch((error: unknown) => {
      console.error(`Reclaim: background parts scan for profile ${profile.id} failed:`, toReclaimError(error, { operation: "list-parts" }).message);
    })
    .finally(() => scans.delete(profile.id));
  scans.set(profile.id, scan);
  return scan;
}

async function listBucket(profile: Profile, bucket: string, prefix: string | undefined, rows: UploadRow[]): Promise<BucketInventory> {
  let uploads = 0;
  let parts = 0;
  let bytes = 0;
  try {
    for await (const page of listBucketUploads(profile, bucket, { prefix })) {
      for (const upload of page) {
        const ref = { bucket, key: upload.key, uploadId: upload.uploadId };
        const id = rowId(ref);
        const partsInfo = getParts(profile.id, id);
        rows.push({
          ...ref,
          id,
          initiated: upload.initiated,
          storageClass: upload.storageClass,
          initiator: upload.initiator,
          partsInfo,
        });
        uploads++;
        parts += partsInfo?.parts ?? 0;
        bytes += partsInfo?.bytes ?? 0;
      }
    }
    return { bucket, uploads, parts, bytes, complete: true };
  } catch (error) {
    const reclaimError = toReclaimError(error, { operation: "list-uploads", bucket });
    return { bucket, uploads, parts, bytes, complete: false, error: reclaimError };
  }
}

export async function listUploads(
  profile: Profile,
  options: { buckets?: string[]; prefix?: string } = {},
): Promise<UploadListing> {
  const bucketNames = options.buckets ?? (await listBuckets(profile)).map((b) => b.name);
  const listedAt = new Date().toISOString();
  const rowsPerBucket = bucketNames.map(() => [] as UploadRow[]);
  const buckets = await Promise.all(bucketNames.map((name, i) => listBucket(profile, name, options.prefix, rowsPerBucket[i] ?? [])));
  let rows = rowsPerBucket.flat();

  if (!options.prefix) {
    const fullyListed = new Set(buckets.filter((b) => b.complete).map((b) => b.bucket));
    pruneParts(profile.id, new Set(rows.map((r) => r.id)), fullyListed);
  }

  const staleAfter = staleAfterMs(rows.length);
  const stale = rows.filter((row) => isStale(row.partsInfo, staleAfter));
  if (stale.length > 0) {
    const missing = stale.filter((row) => !row.partsInfo);
    const scan = scanParts(profile, [...missing, ...stale.filter((row) => row.partsInfo)].map(({ bucket, key, uploadId }) => ({ bucket, key, uploadId })));
    if (missing.length > 0) {
      // A cold cache: give the scan a moment so small inventories arrive complete.
      await Promise.race([scan, new Promise((resolve) => setTimeout(resolve, FIRST_SCAN_WAIT_MS))]);
      rows = rows.map((row) => (row.partsInfo ? row : { ...row, partsInfo: getParts(profile.id, row.id) }));
    }
  }
  return withTotals({ profileId: profile.id, listedAt, buckets }, rows);
}

/**
 * The dashboard's refresh: every upload of the profile, sent as the changes since the
 * browser's cursor (every row when it has none or the server cannot serve it).
 */
export async function listUploadChanges(profile: Profile, since?: ListingCursor): Promise<UploadListingChanges> {
  const listing = await currentListing(profile);
  return { ...listing, ...recordListing(profile.id, listing.rows, since) };
}

/** Every upload of the profile: the recent listing with today's parts numbers, or a new one. */
async function currentListing(profile: Profile): Promise<UploadListing> {
  const recent = recentListings.get(profile.id);
  const reuseForMs = recent ? Math.min(RELIST_AT_LEAST_EVERY_MS, RELIST_AFTER_LISTING_TIMES * recent.tookMs) : 0;
  if (recent && Date.now() - recent.readAt < reuseForMs) return withCurrentParts(profile.id, recent.listing);
  // Two tabs on one profile share one listing.
  let inFlight = listingsInFlight.get(profile.id);
  if (!inFlight) {
    const readAt = Date.now();
    const goneBefore = goneCounts.get(profile.id) ?? 0;
    inFlight = listUploads(profile)
      .then((listing) => {
        const read = { listing, readAt, tookMs: Date.now() - readAt };
        // An upload that left while this ran may still be in it: answer with it once, re-list next time.
        if ((goneCounts.get(profile.id) ?? 0) === goneBefore) recentListings.set(profile.id, read);
        return read;
      })
      .finally(() => listingsInFlight.delete(profile.id));
    listingsInFlight.set(profile.id, inFlight);
  }
  return (await inFlight).listing;
}

/** The listing's rows with the parts numbers the cache holds now. */
function withCurrentParts(profileId: string, listing: UploadListing): UploadListing {
  const rows = listing.rows.map((row) => {
    const partsInfo = getParts(profileId, row.id);
    return partsInfo === row.partsInfo ? row : { ...row, partsInfo };
  });
  return withTotals(listing, rows);
}

/**
 * A listing of these rows: each bucket's parts and bytes summed over its rows' cached numbers
 * (one pass), and how many rows are still being counted.
 */
function withTotals(
  listing: Pick<UploadListing, "profileId" | "listedAt" | "buckets">,
  rows: UploadRow[],
): UploadListing {
  const sums = new Map(listing.buckets.map((b) => [b.bucket, { parts: 0, bytes: 0 }]));
  for (const row of rows) {
    const sum = sums.get(row.bucket);
    if (!sum || !row.partsInfo) continue;
    sum.parts += row.partsInfo.parts;
    sum.bytes += row.partsInfo.bytes;
  }
  return {
    profileId: listing.profileId,
    listedAt: listing.listedAt,
    rows,
    buckets: listing.buckets.map((b) => ({ ...b, ...sums.get(b.bucket) })),
    partsPending: rows.filter((row) => !row.partsInfo).length,
  };
}

/** Re-reads ListParts for these rows now (the rows in view). */
export async function refreshParts(profile: Profile, refs: UploadRef[]): Promise<PartsUpdate[]> {
  const results = await readParts(profile, refs);
  return results.map((result) => applyPartsResult(profile.id, result));
}

/** Live verification column: is each upload gone, and if not, how much is left. */
export async function verifyUploads(profile: Profile, refs: UploadRef[]): Promise<VerifyResult[]> {
  const results = await mapWithConcurrency(refs, getEnv().RECLAIM_S3_CONCURRENCY, async (ref) => {
    const id = rowId(ref);
    try {
      const check = await verifyGone(profile, ref);
      if (check.gone) forgetUpload(profile.id, id);
      return { id, ...check, checkedAt: new Date().toISOString() };
    } catch (error) {
      // This row could not be checked now; the others still report.
      const reclaimError = toReclaimError(error, { operation: "verify", ...ref });
      return { id, gone: false, partsRemaining: 0, bytesRemaining: 0, checkedAt: new Date().toISOString(), error: reclaimError };
    }
  });
  return results;
}

/** ListParts now, as the ledger's "before"; 0/0 when the parts could not be read. */
async function readSnapshot(profile: Profile, ref: UploadRef): Promise<PartsSnapshot | "gone"> {
  const [result] = await readParts(profile, [ref]);
  if (result?.status === "gone") return "gone";
  return result?.status === "listed" ? { parts: result.parts.parts, bytes: result.parts.bytes } : { parts: 0, bytes: 0 };
}

/**
 * One upload, through the ledger: intent with the parts snapshot, abort + verify, outcome.
 * The snapshot is read with ListParts now, unless the caller holds a recent one (a bulk job's
 * dry run of an idle upload).
 */
export async function abortUpload(
  profile: Profile,
  ref: UploadRef,
  actor: Pick<SessionUser, "id" | "email">,
  options: { jobId?: string; initiated?: string | null; snapshot?: PartsSnapshot } = {},
): Promise<AbortResult> {
  const snapshot = options.snapshot ?? (await readSnapshot(profile, ref));
  if (snapshot === "gone") {
    // Nothing to abort and nothing reclaimed by us; still recorded, so the history is whole.
    const id = await recordIntent({ ...intentBase(profile, ref, actor, options), partsBefore: 0, bytesBefore: 0 });
    const now = new Date().toISOString();
    const result: AbortResult = { ...ref, outcome: "already-gone", attempts: 0, partsBefore: 0, bytesBefore: 0, partsRemaining: 0, startedAt: now, finishedAt: now, durationMs: 0 };
    await recordAbortResult(id, result);
    forgetUpload(profile.id, rowId(ref));
    return result;
  }
  const { parts: partsBefore, bytes: bytesBefore } = snapshot;
  const id = await recordIntent({ ...intentBase(profile, ref, actor, options), partsBefore, bytesBefore });
  const result = await abortAndVerify(profile, ref, { snapshot });
  await recordAbortResult(id, result);
  if (result.outcome === "reclaimed" || result.outcome === "already-gone") forgetUpload(profile.id, rowId(ref));
  return result;
}

/**
 * Finishes an abort that another process started and never recorded (a bulk job taken over
 * from an instance that died): `entry` is its "unknown" ledger row, the intent with the
 * parts snapshot. Gone now → counted on that row, once (already-gone when another attempt
 * counts it). Still listed → the abort is sent now and recorded on the same row, so the
 * upload keeps one row. The endpoint cannot answer → the row stays unknown; the error says why.
 */
export async function finishInterruptedAbort(
  profile: Profile,
  entry: LedgerEntry,
): Promise<{ result: AbortResult } | { unverifiable: ReclaimError }> {
  const ref: UploadRef = { bucket: entry.bucket, key: entry.key, uploadId: entry.uploadId };
  const snapshot = { parts: entry.partsBefore, bytes: entry.bytesBefore };
  let gone: boolean;
  try {
    gone = (await verifyGone(profile, ref)).gone;
  } catch (error) {
    return { unverifiable: toReclaimError(error, { operation: "verify", ...ref }) };
  }
  if (!gone) {
    const result = await abortAndVerify(profile, ref, { snapshot });
    await recordAbortResult(entry.id, result);
    if (result.outcome === "reclaimed" || result.outcome === "already-gone") forgetUpload(profile.id, rowId(ref));
    return { result };
  }
  const resolved = await resolveInterruptedAsGone(entry);
  forgetUpload(profile.id, rowId(ref));
  const now = new Date().toISOString();
  const counted = resolved.entry?.outcome === "reclaimed" && resolved.entry.id === entry.id;
  return {
    result: {
      ...ref,
      outcome: counted ? "reclaimed" : "already-gone",
      attempts: entry.attempts,
      partsBefore: snapshot.parts,
      bytesBefore: snapshot.bytes,
      partsRemaining: 0,
      startedAt: entry.startedAt,
      finishedAt: now,
      durationMs: Date.now() - Date.parse(entry.startedAt),
    },
  };
}

function intentBase(profile: Profile, ref: UploadRef, actor: Pick<SessionUser, "id" | "email">, options: { jobId?: string; initiated?: string | null }) {
  return {
    actor: { id: actor.id, email: actor.email },
    profileId: profile.id,
    endpointHost: toPublicProfile(profile).endpointHost,
    bucket: ref.bucket,
    key: ref.key,
    uploadId: ref.uploadId,
    initiated: options.initiated ?? null,
    jobId: options.jobId ?? null,
  };
}
