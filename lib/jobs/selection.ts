// Pure rules of a bulk selection: which listed uploads match, which look active, and the
// dry-run sums. No I/O; lib/jobs/preview.ts feeds it a fresh listing and fresh part counts.
import type {
  BucketTotals,
  BulkSelection,
  SelectedUpload,
  SelectionSummary,
  SelectionTotals,
  UploadRef,
} from "@/lib/jobs/types";

const MINUTE = 60_000;

function time(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

export function refKey(ref: UploadRef): string {
  return `${ref.bucket}\u0000${ref.key}\u0000${ref.uploadId}`;
}

/** The S3 Prefix to list with: only for "starts with" key filters. */
export function listingPrefix(selection: BulkSelection): string | undefined {
  return selection.key && selection.keyMatch === "prefix" ? selection.key : undefined;
}

/** The selection's bucket list and key criterion (also what a cleanup policy's coverage reads). */
export function matchesBucketAndKey(
  upload: Pick<UploadRef, "bucket" | "key">,
  selection: Pick<BulkSelection, "buckets" | "key" | "keyMatch">,
): boolean {
  if (selection.buckets && selection.buckets.length > 0 && !selection.buckets.includes(upload.bucket)) return false;
  if (!selection.key) return true;
  // "contains" ignores case, as the uploads table's `q` does; a prefix is S3's, exact.
  return selection.keyMatch === "prefix"
    ? upload.key.startsWith(selection.key)
    : upload.key.toLowerCase().includes(selection.key.toLowerCase());
}

/** The "larger than" criterion; "unknown" while the size is. */
export function matchesSize(bytes: number | null, largerThanBytes: number | undefined): PartsMatch {
  if (largerThanBytes === undefined) return "match";
  if (bytes === null) return "unknown";
  return bytes < largerThanBytes ? "no-match" : "match";
}

/**
 * Criteria that need only the listing (bucket, key, explicit refs, age). An upload with no
 * `Initiated` has an unknown age and never counts as "older than".
 */
export function matchesListing(
  upload: UploadRef & { initiated: string | null },
  selection: BulkSelection,
  now: number,
  refs?: ReadonlySet<string>,
): boolean {
  if (!matchesBucketAndKey(upload, selection)) return false;
  if (refs && !refs.has(refKey(upload))) return false;
  if (selection.olderThanMs !== undefined) {
    const initiated = time(upload.initiated);
    if (initiated === null || now - initiated < selection.olderThanMs) return false;
  }
  return true;
}

/** Newest sign of life: the newest part, or the initiation when later (or no parts). */
export function lastActivity(upload: Pick<SelectedUpload, "initiated" | "lastPartAt">): number | null {
  const part = time(upload.lastPartAt);
  const initiated = time(upload.initiated);
  if (part === null) return initiated;
  if (initiated === null) return part;
  return Math.max(part, initiated);
}

export type PartsMatch = "match" | "no-match" | "unknown";

/** Criteria that need parts (size, idle). "unknown" when parts could not be read but are needed. */
export function matchesParts(upload: SelectedUpload, selection: BulkSelection, now: number): PartsMatch {
  const size = matchesSize(upload.bytes, selection.largerThanBytes);
  if (size !== "match") return size;
  if (selection.idleForMs !== undefined) {
    if (upload.parts === null) return "unknown";
    const last = lastActivity(upload);
    if (last === null) return "unknown";
    if (now - last < selection.idleForMs) return "no-match";
  }
  return "match";
}

/** Activity (a part, or the initiation) within the window: someone may still be writing. */
export function looksActive(upload: SelectedUpload, selection: BulkSelection, now: number): boolean {
  if (selection.activeWithinMinutes <= 0) return false;
  const last = lastActivity(upload);
  return last !== null && now - last < selection.activeWithinMinutes * MINUTE;
}

/**
 * Whether a job item's parts, read by the dry run at `partsReadAt`, may still stand as the
 * ledger's "before" at `now`: only when read less than `maxAgeMs` ago. A job started right
 * after its preview saves a request per upload; one started from an old preview reads again.
 */
export function partsReadIsRecent(partsReadAt: string | null | undefined, now: number, maxAgeMs: number): boolean {
  const read = time(partsReadAt);
  return read !== null && now - read < maxAgeMs;
}

function emptyTotals(): SelectionTotals {
  return { count: 0, parts: 0, bytes: 0, partsUnknown: 0, oldestInitiated: null, newestInitiated: null };
}

function add(totals: SelectionTotals, upload: SelectedUpload): void {
  totals.count++;
  if (upload.parts === null || upload.bytes === null) totals.partsUnknown++;
  else {
    totals.parts += upload.parts;
    totals.bytes += upload.bytes;
  }
  const initiated = time(upload.initiated);
  if (initiated !== null && upload.initiated) {
    if (totals.oldestInitiated === null || initiated < (time(totals.oldestInitiated) ?? Infinity)) totals.oldestInitiated = upload.initiated;
    if (totals.newestInitiated === null || initiated > (time(totals.newestInitiated) ?? -Infinity)) totals.newestInitiated = upload.initiated;
  }
}

/** Count, parts, bytes, oldest/newest initiated — overall and per bucket (bucket order kept). */
export function summarize(uploads: readonly SelectedUpload[]): SelectionSummary {
  const totals = emptyTotals();
  const byBucket = new Map<string, BucketTotals>();
  for (const upload of uploads) {
    add(totals, upload);
    let bucket = byBucket.get(upload.bucket);
    if (!bucket) {
      bucket = { bucket: upload.bucket, ...emptyTotals() };
      byBucket.set(upload.bucket, bucket);
    }
    add(bucket, upload);
  }
  return { totals, buckets: [...byBucket.values()] };
}

/** Oldest initiated first; unknown ages last; ties by bucket, key. */
export function byInitiated(a: SelectedUpload, b: SelectedUpload): number {
  const ta = time(a.initiated) ?? Infinity;
  const tb = time(b.initiated) ?? Infinity;
  if (ta !== tb) return ta - tb;
  return a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export interface Classified {
  eligible: SelectedUpload[];
  active: SelectedUpload[];
  /** Dropped because parts were needed and unknown. */
  unknown: SelectedUpload[];
}

/** Splits uploads that passed the listing criteria by the part criteria and the activity check. */
export function classify(uploads: readonly SelectedUpload[], selection: BulkSelection, now: number): Classified {
  const out: Classified = { eligible: [], active: [], unknown: [] };
  for (const upload of uploads) {
    const parts = matchesParts(upload, selection, now);
    if (parts === "no-match") continue;
    if (parts === "unknown") out.unknown.push(upload);
    else if (looksActive(upload, selection, now)) out.active.push(upload);
    else out.eligible.push(upload);
  }
  return out;
}
