import "server-only";
import type { SessionUser } from "@/lib/auth/session";
import { getEntry, openAttempt, recordAbortResult, recordFinishedAttempt } from "@/lib/ledger/ledger";
import type { LedgerEntry, LedgerOutcome } from "@/lib/ledger/types";
import type { Profile } from "@/lib/profiles";
import { assertBucketsInProfile, toPublicProfile } from "@/lib/profiles";
import { abortAndVerify, verifyGone, type PartsSnapshot } from "@/lib/s3/abort";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/log";
import { mapWithConcurrency } from "@/lib/s3/concurrency";
import { toReclaimError } from "@/lib/s3/errors";
import {
  listBucketUploads,
  listBuckets,
  refreshParts as readParts,
  summarizeUploadParts,
  type UploadPartsResult,
} from "@/lib/s3/inventory";
import { withS3Cause } from "@/lib/s3/request-events";
import type { AbortOutcome, AbortResult, BucketInventory, ReclaimError, UploadRef } from "@/lib/s3/types";
import { noteGone, noteListing, noteListingFailure } from "@/lib/uploads/inventory-record";
import { recordListing } from "@/lib/uploads/listing-journal";
import { IN_FLIGHT_GRACE_MS, resolveInterruptedAsGone, reverifyAttempt } from "@/lib/uploads/recovery";
import { forgetParts, getLastRead, getParts, getReadFailure, noteReadFailure, pruneParts, setParts } from "@/lib/uploads/parts-cache";
import {
  dueAt,
  isDue,
  relistAfterMs,
  rereadSettings,
  type DueInput,
  type ReadWhere,
  type RereadSettings,
} from "@/lib/uploads/reread-policy";
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
// request per 1,000 uploads) and shared by every tab of a profile; parts come from the
// cache, re-read when lib/uploads/reread-policy.ts says they are due. Polls drive it all:
// with no tab polling (none open, or all hidden), Reclaim sends nothing.

/** How long a listing waits for a cold cache to fill before answering with "counting…". */
const FIRST_SCAN_WAIT_MS = 1_200;

const scans = new Map<string, Promise<void>>();
/** Per profile and row: a ListParts in flight, so a background re-read and the rows in view of several tabs share it. */
const readsInFlight = new Map<string, Promise<PartsUpdate>>();

interface RecentListing {
  listing: UploadListing;
  readAt: number;
  tookMs: number;
  /** Each row's start time (epoch ms), for the policy's uploads without parts. */
  initiatedById: Map<string, number | null>;
}

const recentListings = new Map<string, RecentListing>();
const listingsInFlight = new Map<string, Promise<RecentListing>>();
/** Per profile, how many times an upload was found gone: a listing begun before the last one is not re-used. */
const goneCounts = new Map<string, number>();

function settings(): RereadSettings {
  return rereadSettings(getEnv());
}

function timeOf(iso: string | null): number | null {
  if (iso === null) return null;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? null : time;
}

/** The upload is gone (aborted, or seen gone): forget its parts, and re-list next time. */
function forgetUpload(profileId: string, id: string): void {
  forgetParts(profileId, id);
  noteGone(profileId, id);
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
  noteReadFailure(profileId, id, result.error, Date.now());
  return { id, gone: false, partsInfo: getParts(profileId, id), partsError: result.error };
}

/** The error of the upload's latest read when it failed after the last good one. */
function currentPartsError(profileId: string, id: string): ReclaimError | undefined {
  return getReadFailure(profileId, id)?.error;
}

/** ListParts for one upload into the cache; joins a read of the same upload already in flight. */
function readOnce(profile: Profile, ref: UploadRef): Promise<PartsUpdate> {
  const key = `${profile.id}\u0000${rowId(ref)}`;
  let read = readsInFlight.get(key);
  if (!read) {
    read = summarizeUploadParts(profile, ref)
      .then((result) => applyPartsResult(profile.id, result))
      .finally(() => readsInFlight.delete(key));
    readsInFlight.set(key, read);
  }
  return read;
}

/** What the re-read policy needs to know about one upload of this profile. */
function dueInput(profileId: string, id: string, initiated: number | null, where: ReadWhere, now: number, uploads: number): DueInput {
  return { id, read: getLastRead(profileId, id), failures: getReadFailure(profileId, id), initiated, where, now, uploads };
}

/** Whether this upload's parts are due for a re-read now, in the background or in view. */
function isRowDue(profile: Profile, id: string, where: ReadWhere, policy: RereadSettings, now = Date.now()): boolean {
  const recent = recentListings.get(profile.id);
  const initiated = recent?.initiatedById.get(id) ?? null;
  return isDue(dueInput(profile.id, id, initiated, where, now, recent?.listing.rows.length ?? 0), policy);
}

/**
 * Starts (unless one is running) a background read of these uploads' parts, soonest due
 * first. Each is checked again at its turn: rows in view may have been read meanwhile.
 */
function scanParts(profile: Profile, refs: UploadRef[]): Promise<void> {
  const running = scans.get(profile.id);
  if (running) return running;
  const policy = settings();
  // Detached from the poll that started it: its requests are the background's.
  const scan = withS3Cause(
    "background",
    () =>
      mapWithConcurrency(refs, getEnv().RECLAIM_S3_CONCURRENCY, async (ref) => {
        if (isRowDue(profile, rowId(ref), "background", policy)) await readOnce(profile, ref);
      }),
    { replace: true },
  )
    .then(() => undefined)
    .catch((error: unknown) => {
      const detail = toReclaimError(error, { operation: "list-parts" });
      logger().error({ event: "inventory", profile: profile.id, errorCode: detail.code, error: detail.message }, "background parts scan failed");
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
        const partsError = currentPartsError(profile.id, id);
        rows.push({
          ...ref,
          id,
          initiated: upload.initiated,
          storageClass: upload.storageClass,
          initiator: upload.initiator,
          partsInfo,
          ...(partsError ? { partsError } : {}),
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

/**
 * A fresh listing of the profile's uploads (or of some buckets, or a prefix) with the parts
 * numbers the cache holds; reads no parts (rows never read have `partsInfo: null`).
 */
export function listUploads(
  profile: Profile,
  options: { buckets?: string[]; prefix?: string } = {},
): Promise<UploadListing> {
  return withS3Cause("listing", async () => {
    if (options.buckets) assertBucketsInProfile(profile, options.buckets);
    const bucketNames = options.buckets ?? (await listBuckets(profile)).map((b) => b.name);
    const listedAt = new Date().toISOString();
    const rowsPerBucket = bucketNames.map(() => [] as UploadRow[]);
    const buckets = await Promise.all(bucketNames.map((name, i) => listBucket(profile, name, options.prefix, rowsPerBucket[i] ?? [])));
    const rows = rowsPerBucket.flat();
    if (!options.prefix) {
      const fullyListed = new Set(buckets.filter((b) => b.complete).map((b) => b.bucket));
      pruneParts(profile.id, new Set(rows.map((r) => r.id)), fullyListed);
    }
    return withTotals({ profileId: profile.id, listedAt, buckets }, rows);
  });
}

/**
 * What an open page polls: every upload of the profile from the shared listing, and the
 * background re-read of the parts that are due started. A poll is what "someone is watching"
 * means here; without polls nothing is re-read.
 */
export async function watchUploads(profile: Profile): Promise<UploadListing> {
  const listing = await currentListing(profile);
  return readDueParts(profile, listing);
}

/**
 * The dashboard's refresh: every upload of the profile, sent as the changes since the
 * browser's cursor (every row when it has none or the server cannot serve it).
 */
export async function listUploadChanges(profile: Profile, since?: ListingCursor): Promise<UploadListingChanges> {
  const listing = await watchUploads(profile);
  return { ...listing, ...recordListing(profile.id, listing.rows, since) };
}

/** When each profile's uploads were last checked for due re-reads. */
const dueChecks = new Map<string, number>();

/**
 * Starts re-reading the due parts; on a cold cache, waits a moment so small inventories arrive
 * complete. Checked at most about once per refresh interval per profile, however many tabs
 * poll: five tabs then cause the reads one tab does.
 */
async function readDueParts(profile: Profile, listing: UploadListing): Promise<UploadListing> {
  let scan = scans.get(profile.id);
  const now = Date.now();
  const checkedRecently = now - (dueChecks.get(profile.id) ?? 0) < 0.8 * getEnv().RECLAIM_REFRESH_MS;
  if (!scan && (!checkedRecently || listing.partsPending > 0)) {
    dueChecks.set(profile.id, now);
    const policy = settings();
    const due: { ref: UploadRef; at: number }[] = [];
    for (const row of listing.rows) {
      const at = dueAt(dueInput(profile.id, row.id, timeOf(row.initiated), "background", now, listing.rows.length), policy);
      if (at <= now) due.push({ ref: { bucket: row.bucket, key: row.key, uploadId: row.uploadId }, at });
    }
    if (due.length === 0) return listing;
    due.sort((a, b) => a.at - b.at);
    scan = scanParts(profile, due.map((d) => d.ref));
  }
  if (listing.partsPending === 0) return listing;
  await Promise.race([scan, new Promise((resolve) => setTimeout(resolve, FIRST_SCAN_WAIT_MS))]);
  return withCurrentParts(profile.id, listing);
}

/** Every upload of the profile: the recent listing with today's parts numbers, or a new one. */
export async function currentListing(profile: Profile): Promise<UploadListing> {
  const recent = recentListings.get(profile.id);
  if (recent && Date.now() - recent.readAt < relistAfterMs(recent.tookMs, settings())) {
    return withCurrentParts(profile.id, recent.listing);
  }
  // Every tab of every user on one profile shares one listing.
  let inFlight = listingsInFlight.get(profile.id);
  if (!inFlight) {
    const readAt = Date.now();
    const goneBefore = goneCounts.get(profile.id) ?? 0;
    inFlight = listUploads(profile)
      .then((listing) => {
        const initiatedById = new Map(listing.rows.map((row) => [row.id, timeOf(row.initiated)]));
        const read = { listing, readAt, tookMs: Date.now() - readAt, initiatedById };
        // An upload that left while this ran may still be in it: answer with it once, re-list next time.
        if ((goneCounts.get(profile.id) ?? 0) === goneBefore) recentListings.set(profile.id, read);
        noteListing(profile.id, listing);
        return read;
      })
      .catch((error: unknown) => {
        noteListingFailure(profile.id, toReclaimError(error, { operation: "list-buckets", endpoint: profile.endpoint }));
        throw error;
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
    const partsError = currentPartsError(profileId, row.id);
    if (partsInfo === row.partsInfo && partsError === row.partsError) return row;
    const { partsError: _before, ...rest } = row;
    return { ...rest, partsInfo, ...(partsError ? { partsError } : {}) };
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
    // A row whose read failed is not "counting…": it shows the error, and is tried again later.
    partsPending: rows.filter((row) => !row.partsInfo && !row.partsError).length,
  };
}

/**
 * The rows in view: re-reads the parts of those due (the policy's in-view intervals, shared
 * by every tab) and answers the others from the cache.
 */
export async function refreshVisibleParts(profile: Profile, refs: UploadRef[]): Promise<PartsUpdate[]> {
  assertBucketsInProfile(profile, refs.map((ref) => ref.bucket));
  const policy = settings();
  const now = Date.now();
  return withS3Cause("in-view", () =>
    mapWithConcurrency(refs, getEnv().RECLAIM_S3_CONCURRENCY, async (ref): Promise<PartsUpdate> => {
      const id = rowId(ref);
      if (isRowDue(profile, id, "in-view", policy, now)) return readOnce(profile, ref);
      return { id, gone: false, partsInfo: getParts(profile.id, id) };
    }),
  );
}

/** Re-reads ListParts for these uploads now, whatever the schedule (a bulk dry run). */
export async function refreshParts(profile: Profile, refs: UploadRef[]): Promise<PartsUpdate[]> {
  assertBucketsInProfile(profile, refs.map((ref) => ref.bucket));
  const results = await readParts(profile, refs);
  return results.map((result) => applyPartsResult(profile.id, result));
}

/** Live verification column: is each upload gone, and if not, how much is left. */
export async function verifyUploads(profile: Profile, refs: UploadRef[]): Promise<VerifyResult[]> {
  assertBucketsInProfile(profile, refs.map((ref) => ref.bucket));
  return withS3Cause("verify", () => verifyEach(profile, refs));
}

async function verifyEach(profile: Profile, refs: UploadRef[]): Promise<VerifyResult[]> {
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

/** ListParts of one upload now (the parts cache learns it too). */
export async function readUploadParts(profile: Profile, ref: UploadRef): Promise<UploadPartsResult> {
  assertBucketsInProfile(profile, [ref.bucket]);
  const [result] = await readParts(profile, [ref]);
  if (!result) throw new Error("ListParts returned no result for the upload");
  applyPartsResult(profile.id, result);
  return result;
}

/**
 * The ledger could not be written (database busy, disk full…). `abortSent` says whether the
 * abort had gone out: never before its intent was written. After it, `attempt` holds what
 * happened, to be written once the database answers again.
 */
export class LedgerWriteError extends Error {
  override name = "LedgerWriteError";
  constructor(
    readonly abortSent: boolean,
    readonly cause: unknown,
    readonly attempt?: { ledgerId: number; result: AbortResult },
  ) {
    super(`the ledger could not be written${abortSent ? " after the abort" : "; no abort was sent"}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

async function beforeAbort<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw new LedgerWriteError(false, error);
  }
}

/** ListParts now, as the ledger's "before"; 0/0 when the parts could not be read. */
async function readSnapshot(profile: Profile, ref: UploadRef): Promise<PartsSnapshot | "gone"> {
  const [result] = await readParts(profile, [ref]);
  if (result?.status === "gone") return "gone";
  return result?.status === "listed" ? { parts: result.parts.parts, bytes: result.parts.bytes } : { parts: 0, bytes: 0 };
}

/** How long an abort waits for another attempt of the same upload to finish before giving up. */
const OPEN_ATTEMPT_WAIT_MS = 30_000;
const OPEN_ATTEMPT_POLL_MS = 50;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The other attempt once it has an outcome; null when it is still open after `waitMs`. */
async function outcomeOf(id: number, waitMs: number): Promise<LedgerEntry | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const entry = await beforeAbort(() => getEntry(id));
    if (!entry || entry.outcome !== "unknown") return entry;
    if (Date.now() >= deadline) return null;
    await sleep(OPEN_ATTEMPT_POLL_MS);
  }
}

function isStaleOpenAttempt(entry: LedgerEntry, now = Date.now()): boolean {
  const started = Date.parse(entry.startedAt);
  return Number.isFinite(started) && now - started >= IN_FLIGHT_GRACE_MS;
}

/**
 * One upload, through the ledger: intent with the parts snapshot, abort + verify, outcome.
 * The snapshot is read with ListParts now, unless the caller holds a recent one (a bulk job's
 * dry run of an idle upload).
 *
 * Two aborts of one upload at the same time (two tabs, two admins, a row click during a bulk
 * job): the ledger lets only one open its attempt; the other sends nothing, waits for that
 * attempt's outcome and records "already-gone" — or tries itself if that attempt failed.
 * An attempt left open by a crash long ago is re-verified first instead of waited for.
 */
export async function abortUpload(
  profile: Profile,
  ref: UploadRef,
  actor: Pick<SessionUser, "id" | "email">,
  options: { jobId?: string; initiated?: string | null; snapshot?: PartsSnapshot } = {},
): Promise<AbortResult> {
  assertBucketsInProfile(profile, [ref.bucket]);
  // A bulk job's items keep the job's cause (the outermost one wins).
  const result = await withS3Cause("abort", () => abortThroughLedger(profile, ref, actor, options));
  logAbort(profile, actor, result, options.jobId);
  return result;
}

async function abortThroughLedger(
  profile: Profile,
  ref: UploadRef,
  actor: Pick<SessionUser, "id" | "email">,
  options: { jobId?: string; initiated?: string | null; snapshot?: PartsSnapshot },
): Promise<AbortResult> {
  const started = Date.now();
  let snapshot = options.snapshot ?? (await readSnapshot(profile, ref));
  for (let round = 1; ; round++) {
    if (snapshot === "gone") {
      // Nothing to abort and nothing reclaimed by us; still recorded, so the history is whole.
      await beforeAbort(() => recordFinishedAttempt({ ...intentBase(profile, ref, actor, options), partsBefore: 0, bytesBefore: 0 }, { outcome: "already-gone" }));
      forgetUpload(profile.id, rowId(ref));
      return heldBackResult(ref, "already-gone", { parts: 0, bytes: 0 }, started);
    }
    const intent = { ...intentBase(profile, ref, actor, options), partsBefore: snapshot.parts, bytesBefore: snapshot.bytes };
    const opened = await beforeAbort(() => openAttempt(intent));
    if (opened.opened) {
      const result = await abortAndVerify(profile, ref, { snapshot });
      let written: LedgerOutcome;
      try {
        written = await recordAbortResult(opened.id, result);
      } catch (error) {
        throw new LedgerWriteError(true, error, { ledgerId: opened.id, result });
      }
      const final: AbortResult = written === result.outcome ? result : { ...result, outcome: written as AbortOutcome };
      if (final.outcome === "reclaimed" || final.outcome === "already-gone") forgetUpload(profile.id, rowId(ref));
      return final;
    }

    const other = opened.openAttempt;
    if (isStaleOpenAttempt(other) && round === 1) {
      // Left open by a crash long ago (nothing of ours runs that long): resolve it, then go on.
      await reverifyAttempt(other.id);
      continue;
    }
    const settled = await outcomeOf(other.id, OPEN_ATTEMPT_WAIT_MS);
    const by = `attempt #${other.id} (${other.actorEmail}, started ${other.startedAt})`;
    if (settled && (settled.outcome === "reclaimed" || settled.outcome === "already-gone")) {
      const message = `Aborted at the same time by ${by}, which ended ${settled.outcome}; this one sent nothing and counts nothing.`;
      await beforeAbort(() => recordFinishedAttempt(intent, { outcome: "already-gone", errorMessage: message }));
      forgetUpload(profile.id, rowId(ref));
      return heldBackResult(ref, "already-gone", snapshot, started);
    }
    if (settled && round < 3) {
      // That attempt failed (denied, unreachable…): this one tries for itself, with fresh parts.
      snapshot = await readSnapshot(profile, ref);
      continue;
    }
    const error: ReclaimError = {
      code: "abort-in-progress",
      message: settled
        ? `Another abort of \`${ref.key}\` in \`${ref.bucket}\` (${by}) ended ${settled.outcome}; nothing was sent by this one — abort it again.`
        : `Another abort of \`${ref.key}\` in \`${ref.bucket}\` (${by}) is still running; nothing was sent by this one — see its outcome in the history.`,
      bucket: ref.bucket,
      key: ref.key,
    };
    await beforeAbort(() => recordFinishedAttempt(intent, { outcome: "failed", errorCode: error.code, errorMessage: error.message }));
    return heldBackResult(ref, "failed", snapshot, started, error);
  }
}

/** The result of an attempt that sent no abort. */
function heldBackResult(ref: UploadRef, outcome: AbortOutcome, snapshot: PartsSnapshot, started: number, error?: ReclaimError): AbortResult {
  const finished = Date.now();
  return {
    ...ref,
    outcome,
    attempts: 0,
    partsBefore: snapshot.parts,
    bytesBefore: snapshot.bytes,
    partsRemaining: 0,
    ...(error ? { error } : {}),
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(finished).toISOString(),
    durationMs: finished - started,
  };
}

/** One log line per abort, as the ledger recorded it; failures at warn. */
function logAbort(profile: Profile, actor: Pick<SessionUser, "email">, result: AbortResult, jobId: string | undefined): void {
  const fine = result.outcome === "reclaimed" || result.outcome === "already-gone";
  logger()[fine ? "info" : "warn"](
    {
      event: "abort",
      user: actor.email,
      profile: profile.id,
      bucket: result.bucket,
      key: result.key,
      uploadId: result.uploadId,
      outcome: result.outcome,
      attempts: result.attempts,
      partsBefore: result.partsBefore,
      bytesBefore: result.bytesBefore,
      durationMs: result.durationMs,
      ...(jobId ? { jobId } : {}),
      ...(result.error ? { errorCode: result.error.s3Code ?? result.error.code, error: result.error.message } : {}),
    },
    `abort ${result.outcome}`,
  );
}

/**
 * Finishes an abort that another process started and never recorded (a bulk job taken over
 * from an instance that died): `entry` is its "unknown" ledger row, the intent with the
 * parts snapshot. Still listed → the abort is sent now and recorded on the same row, so the
 * upload keeps one row. Gone now → that row becomes "gone (cause unknown)" (the lost abort
 * may have ended it, or its uploader, or a lifecycle rule: nothing proves ours, so it is not
 * counted), or already-gone when another attempt counts it; the job's item is already-gone
 * and `note` says why. The endpoint cannot answer → the row stays unknown; the error says why.
 */
export async function finishInterruptedAbort(
  profile: Profile,
  entry: LedgerEntry,
): Promise<{ result: AbortResult; note: string | null } | { unverifiable: ReclaimError }> {
  const ref: UploadRef = { bucket: entry.bucket, key: entry.key, uploadId: entry.uploadId };
  const snapshot = { parts: entry.partsBefore, bytes: entry.bytesBefore };
  let gone: boolean;
  try {
    gone = (await verifyGone(profile, ref)).gone;
  } catch (error) {
    return { unverifiable: toReclaimError(error, { operation: "verify", ...ref }) };
  }
  if (!gone) {
    const sent = await abortAndVerify(profile, ref, { snapshot });
    const written = await recordAbortResult(entry.id, sent);
    const result: AbortResult = written === sent.outcome ? sent : { ...sent, outcome: written as AbortOutcome };
    if (result.outcome === "reclaimed" || result.outcome === "already-gone") forgetUpload(profile.id, rowId(ref));
    return { result, note: null };
  }
  const resolved = await resolveInterruptedAsGone(entry);
  forgetUpload(profile.id, rowId(ref));
  const now = new Date().toISOString();
  return {
    result: {
      ...ref,
      outcome: "already-gone",
      attempts: entry.attempts,
      partsBefore: snapshot.parts,
      bytesBefore: snapshot.bytes,
      partsRemaining: 0,
      startedAt: entry.startedAt,
      finishedAt: now,
      durationMs: Date.now() - Date.parse(entry.startedAt),
    },
    note: resolved.message,
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
