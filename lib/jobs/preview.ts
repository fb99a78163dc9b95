import "server-only";
import { randomUUID } from "node:crypto";
import { assertBucketsInProfile, type Profile } from "@/lib/profiles";
import { toReclaimError } from "@/lib/s3/errors";
import { withS3Cause } from "@/lib/s3/request-events";
import { mapWithConcurrency } from "@/lib/s3/concurrency";
import { byInitiated, classify, listingPrefix, matchesListing, refKey, summarize } from "@/lib/jobs/selection";
import type { BulkPreview, BulkSelection, PreviewState, ReclaimError, SelectedUpload, UploadRef } from "@/lib/jobs/types";
import { listUploads, refreshParts } from "@/lib/uploads/service";
import type { PartsInfo, UploadRow } from "@/lib/uploads/types";
import { rowId } from "@/lib/uploads/types";

// The dry run. Resolves a selection on the server against a fresh ListMultipartUploads and
// fresh ListParts, and keeps the exact list of uploads in memory for a while: a job starts
// from a preview, so it aborts exactly what the admin was shown and confirmed.
//
// Resolving can take longer than an action may (thousands of part counts), so it runs in
// the background: `previewSelection` answers within PREVIEW_WAIT_MS with the result or a
// "resolving" state that the browser polls with `getPreviewState`.

/** How long a preview can be started from. After that: "preview again". */
export const PREVIEW_TTL_MS = 15 * 60_000;
/** How long an action waits for a preview before answering "resolving". */
export const PREVIEW_WAIT_MS = 1_500;
/** Part counts older than this are read again. */
const PARTS_FRESH_MS = 15_000;
/** Part counts read per batch (progress is reported between batches). */
const PARTS_BATCH = 200;
/** Batches at once: each batch already runs RECLAIM_S3_CONCURRENCY requests. */
const PARTS_BATCHES_AT_ONCE = 2;
const MAX_PREVIEWS = 100;
export const ACTIVE_LIST_LIMIT = 200;
export const SAMPLE_LIMIT = 50;
export const MISSING_LIST_LIMIT = 50;

interface PreviewEntry {
  id: string;
  profile: Profile;
  actorId: string;
  createdAt: number;
  state: PreviewState;
  /** The full lists, kept server-side for the job. */
  eligible: SelectedUpload[];
  active: SelectedUpload[];
  done: Promise<void>;
}

const globalForPreviews = globalThis as unknown as { reclaimBulkPreviews?: Map<string, PreviewEntry> };

function previews(): Map<string, PreviewEntry> {
  globalForPreviews.reclaimBulkPreviews ??= new Map();
  return globalForPreviews.reclaimBulkPreviews;
}

function prune(now = Date.now()): void {
  const map = previews();
  for (const [id, entry] of map) {
    if (now - entry.createdAt > PREVIEW_TTL_MS) map.delete(id);
  }
  // Oldest first (Map keeps insertion order).
  while (map.size > MAX_PREVIEWS) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) break;
    map.delete(oldest);
  }
}

export interface Resolved {
  resolvedAt: string;
  listed: number;
  eligible: SelectedUpload[];
  active: SelectedUpload[];
  unknown: SelectedUpload[];
  bucketErrors: ReclaimError[];
  /** Explicit refs no longer listed, or found gone while their parts were counted. */
  missing: UploadRef[];
}

type Progress = (phase: "listing" | "counting", checked: number, toCheck: number) => void;

function toSelected(row: UploadRow, parts: PartsInfo | null, partsError: boolean): SelectedUpload {
  return {
    bucket: row.bucket,
    key: row.key,
    uploadId: row.uploadId,
    initiated: row.initiated,
    parts: partsError || !parts ? null : parts.parts,
    bytes: partsError || !parts ? null : parts.bytes,
    lastPartAt: partsError || !parts ? null : parts.lastPartAt,
    partsReadAt: partsError || !parts ? null : parts.checkedAt,
  };
}

function bucketsToList(selection: BulkSelection): string[] | undefined {
  if (selection.refs) {
    const fromRefs = [...new Set(selection.refs.map((r) => r.bucket))];
    return selection.buckets && selection.buckets.length > 0 ? fromRefs.filter((b) => selection.buckets?.includes(b)) : fromRefs;
  }
  return selection.buckets && selection.buckets.length > 0 ? selection.buckets : undefined;
}

/**
 * The selection against a fresh listing: uploads matching the criteria, split into eligible
 * and "looks active", with part counts read again when older than a few seconds. Throws
 * ReclaimS3Error only when the bucket list itself cannot be read.
 */
export async function resolveSelection(profile: Profile, selection: BulkSelection, onProgress?: Progress): Promise<Resolved> {
  onProgress?.("listing", 0, 0);
  const buckets = bucketsToList(selection);
  const refs = selection.refs ? new Set(selection.refs.map(refKey)) : undefined;
  if (buckets && buckets.length === 0) {
    return { resolvedAt: new Date().toISOString(), listed: 0, eligible: [], active: [], unknown: [], bucketErrors: [], missing: selection.refs ?? [] };
  }
  const listing = await listUploads(profile, { buckets, prefix: listingPrefix(selection) });
  const listedAt = Date.parse(listing.listedAt);
  const candidates = listing.rows.filter((row) => matchesListing(row, selection, listedAt, refs));
  const listedRefs = new Set(candidates.map((row) => row.id));
  const missing = refs ? (selection.refs ?? []).filter((ref) => !listedRefs.has(refKey(ref))) : [];

  // Fresh parts for every candidate whose numbers are missing or more than a few seconds old.
  const partsById = new Map<string, { info: PartsInfo | null; error: boolean; gone: boolean }>();
  const stale: UploadRef[] = [];
  for (const row of candidates) {
    const checkedAt = row.partsInfo ? Date.parse(row.partsInfo.checkedAt) : NaN;
    if (row.partsInfo && Date.now() - checkedAt < PARTS_FRESH_MS) {
      partsById.set(row.id, { info: row.partsInfo, error: false, gone: false });
    } else {
      stale.push({ bucket: row.bucket, key: row.key, uploadId: row.uploadId });
    }
  }
  let checked = 0;
  onProgress?.("counting", 0, stale.length);
  const batches: UploadRef[][] = [];
  for (let i = 0; i < stale.length; i += PARTS_BATCH) batches.push(stale.slice(i, i + PARTS_BATCH));
  await mapWithConcurrency(batches, PARTS_BATCHES_AT_ONCE, async (batch) => {
    const updates = await refreshParts(profile, batch);
    for (const update of updates) {
      partsById.set(update.id, { info: update.partsInfo, error: Boolean(update.partsError), gone: update.gone });
    }
    checked += batch.length;
    onProgress?.("counting", checked, stale.length);
  });

  const uploads: SelectedUpload[] = [];
  for (const row of candidates) {
    const parts = partsById.get(rowId(row));
    if (parts?.gone) {
      // Aborted or completed since it was listed: a chosen upload is reported, not dropped.
      if (refs) missing.push({ bucket: row.bucket, key: row.key, uploadId: row.uploadId });
      continue;
    }
    uploads.push(toSelected(row, parts?.info ?? null, parts?.error ?? !parts?.info));
  }
  uploads.sort(byInitiated);
  const { eligible, active, unknown } = classify(uploads, selection, Date.now());
  return {
    resolvedAt: listing.listedAt,
    listed: listing.rows.length,
    eligible,
    active,
    unknown,
    bucketErrors: listing.buckets.flatMap((b) => (b.error ? [b.error] : [])),
    missing,
  };
}

export function buildPreview(previewId: string, selection: BulkSelection, resolved: Resolved): BulkPreview {
  return {
    previewId,
    profileId: selection.profileId,
    selection,
    resolvedAt: resolved.resolvedAt,
    listed: resolved.listed,
    eligible: summarize(resolved.eligible),
    active: summarize(resolved.active),
    withActive: summarize([...resolved.eligible, ...resolved.active].sort(byInitiated)),
    activeUploads: resolved.active.slice(0, ACTIVE_LIST_LIMIT),
    sample: resolved.eligible.slice(0, SAMPLE_LIMIT),
    bucketErrors: resolved.bucketErrors,
    unknownExcluded: resolved.unknown.length,
    missingRefs: resolved.missing.length,
    missingUploads: resolved.missing.slice(0, MISSING_LIST_LIMIT),
  };
}

/** Starts resolving a preview in the background; the entry's state says how far it got. */
export function startPreview(profile: Profile, selection: BulkSelection, actorId: string): PreviewEntry {
  if (selection.profileId !== profile.id) throw new Error(`selection is for profile ${selection.profileId}, not ${profile.id}`);
  assertBucketsInProfile(profile, [...(selection.buckets ?? []), ...(selection.refs ?? []).map((ref) => ref.bucket)]);
  prune();
  const id = randomUUID();
  const entry: PreviewEntry = {
    id,
    profile,
    actorId,
    createdAt: Date.now(),
    state: { previewId: id, status: "resolving", phase: "listing", checked: 0, toCheck: 0 },
    eligible: [],
    active: [],
    done: Promise.resolve(),
  };
  // The dry run's listing and part counts are the bulk job's requests.
  const resolving = withS3Cause("bulk", () =>
    resolveSelection(profile, selection, (phase, checked, toCheck) => {
      if (entry.state.status === "resolving") entry.state = { previewId: id, status: "resolving", phase, checked, toCheck };
    }),
  );
  entry.done = resolving
    .then((resolved) => {
      entry.eligible = resolved.eligible;
      entry.active = resolved.active;
      entry.state = { previewId: id, status: "ready", preview: buildPreview(id, selection, resolved) };
    })
    .catch((error: unknown) => {
      entry.state = { previewId: id, status: "error", error: toReclaimError(error, { operation: "list-uploads", endpoint: profile.endpoint }) };
    });
  previews().set(id, entry);
  return entry;
}

/** Starts a preview and waits a moment for it: small selections answer at once. */
export async function previewSelection(
  profile: Profile,
  selection: BulkSelection,
  actorId: string,
  waitMs = PREVIEW_WAIT_MS,
): Promise<PreviewState> {
  const entry = startPreview(profile, selection, actorId);
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([entry.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
  clearTimeout(timer);
  return entry.state;
}

/** The state of a preview this user started; null when unknown or expired. */
export function getPreviewState(previewId: string, actorId: string): PreviewState | null {
  prune();
  const entry = previews().get(previewId);
  if (!entry || entry.actorId !== actorId) return null;
  return entry.state;
}

/** Waits until a preview is resolved (tests, and callers that can afford to wait). */
export async function waitForPreview(previewId: string, actorId: string): Promise<PreviewState | null> {
  const entry = previews().get(previewId);
  if (!entry || entry.actorId !== actorId) return null;
  await entry.done;
  return entry.state;
}

export interface PreviewedSelection {
  profile: Profile;
  preview: BulkPreview;
  eligible: SelectedUpload[];
  active: SelectedUpload[];
}

/** A ready preview of this user, to start a job from; null when unknown, expired or not ready. */
export function readyPreview(previewId: string, actorId: string): PreviewedSelection | null {
  prune();
  const entry = previews().get(previewId);
  if (!entry || entry.actorId !== actorId || entry.state.status !== "ready") return null;
  return { profile: entry.profile, preview: entry.state.preview, eligible: entry.eligible, active: entry.active };
}

/** A preview is used once: a second click cannot start the same job twice. */
export function consumePreview(previewId: string): void {
  previews().delete(previewId);
}
