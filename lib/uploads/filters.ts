// The uploads view: what the URL says (filters and sort), applied to rows; summary totals;
// and merging live updates (fresh listings, parts refreshes) into the rows on screen.
// Pure functions only: no React, no clock reads (callers pass `now`).
import { formatBytes } from "@/lib/format";
import { parseDuration, parseSize } from "@/lib/units";
import type {
  BucketInventory,
  ListingCursor,
  PartsUpdate,
  ReclaimError,
  UploadListing,
  UploadListingChanges,
  UploadRow,
} from "@/lib/uploads/types";

// ------------------------------------------------------------------ the view (URL state)

const sortColumns = [
  "bucket",
  "key",
  "uploadId",
  "initiated",
  "storageClass",
  "initiator",
  "parts",
  "bytes",
  "lastPart",
] as const;
export type SortColumn = (typeof sortColumns)[number];
export type SortDir = "asc" | "desc";

export interface UploadView {
  /** Only this bucket; null = all. */
  bucket: string | null;
  /** Key prefix or substring (case-insensitive); "" = any. */
  q: string;
  /** Minimum age as typed in canonical form ("7d"), and in ms; null = any. */
  minAge: { text: string; ms: number } | null;
  /** Minimum size in canonical form ("100MiB"), and in bytes; null = any. */
  minSize: { text: string; bytes: number } | null;
  sort: SortColumn;
  dir: SortDir;
}

/** A URL value that was ignored, and why (shown to the user). */
export interface ViewNote {
  param: "bucket" | "q" | "minAge" | "minSize" | "sort" | "dir";
  value: string;
  message: string;
}

export const defaultView: UploadView = {
  bucket: null,
  q: "",
  minAge: null,
  minSize: null,
  sort: "bytes",
  dir: "desc",
};

/** The direction a column sorts in when first clicked: big/old/recent things first. */
function defaultDirFor(column: SortColumn): SortDir {
  switch (column) {
    case "parts":
    case "bytes":
    case "lastPart":
      return "desc";
    default:
      return "asc";
  }
}

type ParamSource = URLSearchParams | Record<string, string | string[] | undefined>;

function readParam(source: ParamSource, name: string): string | undefined {
  if (source instanceof URLSearchParams) return source.get(name) ?? undefined;
  const value = source[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads the view from the URL. Invalid values are ignored and reported, never thrown. */
export function parseView(source: ParamSource): { view: UploadView; notes: ViewNote[] } {
  const notes: ViewNote[] = [];
  const view: UploadView = { ...defaultView };

  const bucket = readParam(source, "bucket")?.trim();
  if (bucket) {
    if (bucket.length <= 255 && /^[A-Za-z0-9._-]+$/.test(bucket)) view.bucket = bucket;
    else
      notes.push({ param: "bucket", value: bucket, message: `"${bucket}" is not a bucket name.` });
  }

  const q = readParam(source, "q");
  if (q) view.q = q.slice(0, 1024);

  const minAge = readParam(source, "minAge")?.trim();
  if (minAge) {
    const parsed = parseDuration(minAge);
    if (parsed) view.minAge = parsed;
    else
      notes.push({
        param: "minAge",
        value: minAge,
        message: `Minimum age "${minAge}" was ignored — use a number and a unit: 30m, 12h, 7d or 2w.`,
      });
  }

  const minSize = readParam(source, "minSize")?.trim();
  if (minSize) {
    const parsed = parseSize(minSize);
    if (parsed) view.minSize = parsed;
    else
      notes.push({
        param: "minSize",
        value: minSize,
        message: `Minimum size "${minSize}" was ignored — use a number and a unit: 512KiB, 100MiB or 1GiB.`,
      });
  }

  const sort = readParam(source, "sort");
  let sortValid = false;
  if (sort) {
    if ((sortColumns as readonly string[]).includes(sort)) {
      view.sort = sort as SortColumn;
      view.dir = defaultDirFor(view.sort);
      sortValid = true;
    } else {
      notes.push({
        param: "sort",
        value: sort,
        message: `Sorting by "${sort}" is not possible — sorted by size instead.`,
      });
    }
  }

  const dir = readParam(source, "dir");
  if (dir) {
    if (dir === "asc" || dir === "desc") {
      if (sortValid || !sort) view.dir = dir;
    } else {
      notes.push({
        param: "dir",
        value: dir,
        message: `Sort direction "${dir}" was ignored — use asc or desc.`,
      });
    }
  }

  return { view, notes };
}

/**
 * Writes the view into URL params, keeping unrelated params (e.g. `profile`) and dropping
 * values equal to the default so URLs stay short.
 */
export function serializeView(view: UploadView, base?: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams(base);
  for (const name of ["bucket", "q", "minAge", "minSize", "sort", "dir"]) params.delete(name);
  if (view.bucket) params.set("bucket", view.bucket);
  if (view.q) params.set("q", view.q);
  if (view.minAge) params.set("minAge", view.minAge.text);
  if (view.minSize) params.set("minSize", view.minSize.text);
  if (view.sort !== defaultView.sort || view.dir !== defaultView.dir) {
    params.set("sort", view.sort);
    params.set("dir", view.dir);
  }
  return params;
}

export function hasFilters(view: UploadView): boolean {
  return view.bucket !== null || view.q !== "" || view.minAge !== null || view.minSize !== null;
}

/** Clicking a column header: same column flips, another column starts at its default. */
export function toggleSort(view: UploadView, column: SortColumn): UploadView {
  if (view.sort === column) return { ...view, dir: view.dir === "asc" ? "desc" : "asc" };
  return { ...view, sort: column, dir: defaultDirFor(column) };
}

/**
 * A bucket filter naming a bucket the listing does not have is ignored with a note (once
 * the listing is known), so a stale shared link does not look like "no uploads".
 */
export function reconcileBucket(
  view: UploadView,
  knownBuckets: readonly string[],
): { view: UploadView; note: ViewNote | null } {
  if (!view.bucket || knownBuckets.includes(view.bucket)) return { view, note: null };
  return {
    view: { ...view, bucket: null },
    note: {
      param: "bucket",
      value: view.bucket,
      message: `Bucket "${view.bucket}" is not listed on this endpoint — showing all buckets.`,
    },
  };
}

// ------------------------------------------------------------------ filter and sort

function timeOf(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/**
 * Rows matching the view. `now` is the reference for ages (pass the listing's time so
 * the result does not change every second). Rows with an unknown age or size do not
 * match an age or size minimum (nothing is claimed that was not measured).
 */
export function filterRows(rows: readonly UploadRow[], view: UploadView, now: number): UploadRow[] {
  const q = view.q.toLowerCase();
  const minAgeMs = view.minAge?.ms ?? null;
  const minBytes = view.minSize?.bytes ?? null;
  return rows.filter((row) => {
    if (view.bucket !== null && row.bucket !== view.bucket) return false;
    if (q && !row.key.toLowerCase().includes(q)) return false;
    if (minAgeMs !== null) {
      const t = timeOf(row.initiated);
      if (t === null || now - t < minAgeMs) return false;
    }
    if (minBytes !== null && minBytes > 0) {
      if (!row.partsInfo || row.partsInfo.bytes < minBytes) return false;
    }
    return true;
  });
}

type SortValue = string | number | null;

/**
 * A text's sort key: case folded, digit runs padded so "part-9" < "part-10" (natural order).
 * Computed once per row and compared with `<`, so sorting 10,000 rows stays fast.
 */
function naturalKey(text: string): string {
  return text.toLowerCase().replace(/\d+/g, (digits) => digits.padStart(12, "0"));
}

function sortValue(row: UploadRow, column: SortColumn): SortValue {
  switch (column) {
    case "bucket":
      return naturalKey(row.bucket);
    case "key":
      return naturalKey(row.key);
    case "uploadId":
      return row.uploadId;
    case "initiated":
      return timeOf(row.initiated);
    case "storageClass":
      return row.storageClass === null ? null : naturalKey(row.storageClass);
    case "initiator":
      return row.initiator === null ? null : naturalKey(row.initiator);
    case "parts":
      return row.partsInfo?.parts ?? null;
    case "bytes":
      return row.partsInfo?.bytes ?? null;
    case "lastPart":
      return timeOf(row.partsInfo?.lastPartAt);
  }
}

const plain = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function compareValues(a: SortValue, b: SortValue): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return plain(String(a), String(b));
}

/**
 * Sorted copy. Unknown values (still counting, no date) go last in either direction;
 * ties break on bucket, key, upload id so the order is stable between refreshes.
 */
export function sortRows(rows: readonly UploadRow[], sort: SortColumn, dir: SortDir): UploadRow[] {
  const sign = dir === "asc" ? 1 : -1;
  const keyed = rows.map((row) => ({ row, value: sortValue(row, sort) }));
  keyed.sort((x, y) => {
    const xMissing = x.value === null || x.value === "";
    const yMissing = y.value === null || y.value === "";
    if (xMissing !== yMissing) return xMissing ? 1 : -1;
    if (!xMissing && !yMissing) {
      const c = compareValues(x.value, y.value);
      if (c !== 0) return sign * c;
    }
    return (
      plain(x.row.bucket, y.row.bucket) ||
      plain(x.row.key, y.row.key) ||
      plain(x.row.uploadId, y.row.uploadId)
    );
  });
  return keyed.map((k) => k.row);
}

export function applyView(rows: readonly UploadRow[], view: UploadView, now: number): UploadRow[] {
  return sortRows(filterRows(rows, view, now), view.sort, view.dir);
}

// ------------------------------------------------------------------ summary

export interface Totals {
  uploads: number;
  parts: number;
  bytes: number;
  /** Rows whose parts are not known yet (counted as 0 parts / 0 bytes above). */
  counting: number;
  /** Rows whose parts could not be read (partsError). */
  unreadable: number;
}

export interface BucketChip extends Totals {
  bucket: string;
  /** The bucket could not be listed (completely or partly). */
  error: ReclaimError | null;
  /** False when the listing stopped early: numbers are a lower bound. */
  complete: boolean;
}

export interface Summary {
  inView: Totals;
  total: Totals;
  buckets: BucketChip[];
}

function emptyTotals(): Totals {
  return { uploads: 0, parts: 0, bytes: 0, counting: 0, unreadable: 0 };
}

function addRow(totals: Totals, row: UploadRow): void {
  totals.uploads += 1;
  if (row.partsInfo) {
    totals.parts += row.partsInfo.parts;
    totals.bytes += row.partsInfo.bytes;
  } else if (row.partsError) {
    totals.unreadable += 1;
  } else {
    totals.counting += 1;
  }
}

export function totalsOf(rows: readonly UploadRow[]): Totals {
  const totals = emptyTotals();
  for (const row of rows) addRow(totals, row);
  return totals;
}

/**
 * Totals for the rows in view and for all rows, and one chip per bucket (every bucket the
 * listing covered, also those with no uploads or that could not be listed).
 */
export function summarize(
  allRows: readonly UploadRow[],
  rowsInView: readonly UploadRow[],
  buckets: readonly BucketInventory[],
): Summary {
  const byBucket = new Map<string, BucketChip>();
  for (const b of buckets) {
    byBucket.set(b.bucket, {
      bucket: b.bucket,
      ...emptyTotals(),
      error: b.error ?? null,
      complete: b.complete,
    });
  }
  for (const row of allRows) {
    let chip = byBucket.get(row.bucket);
    if (!chip) {
      chip = { bucket: row.bucket, ...emptyTotals(), error: null, complete: true };
      byBucket.set(row.bucket, chip);
    }
    addRow(chip, row);
  }
  const chips = [...byBucket.values()].sort((a, b) => plain(a.bucket, b.bucket));
  return { inView: totalsOf(rowsInView), total: totalsOf(allRows), buckets: chips };
}

/** One line for a bucket chip: "1,050 uploads · 7.5 MiB", or what went wrong. */
export function describeBucket(chip: BucketChip): string {
  if (chip.error && chip.uploads === 0) {
    return chip.error.code === "access-denied" ? "access denied" : chip.error.message;
  }
  const base = `${chip.uploads.toLocaleString("en-US")} ${chip.uploads === 1 ? "upload" : "uploads"} · ${formatBytes(chip.bytes)}`;
  if (chip.error)
    return `${base} (partly listed: ${chip.error.code === "access-denied" ? "access denied" : chip.error.message})`;
  if (!chip.complete) return `${base} (partly listed)`;
  return base;
}

// ------------------------------------------------------------------ live merging

/** The listing as kept on the client: the server's listing plus rows known to be gone. */
export interface LiveListing extends UploadListing {
  /** Row id → when the row was seen gone (ISO). A listing older than that cannot bring it back. */
  gone: Record<string, string>;
  /**
   * Sent with the next refresh so only changes come back; null asks for every row (the first
   * load, or the rows here no longer add up to the server's counts).
   */
  cursor: ListingCursor | null;
}

/** Keep how long a "gone" mark is remembered after the listing stops showing the row. */
const GONE_MEMORY_MS = 10 * 60_000;

/** ISO times from the server compare as strings (same format); anything else is parsed. */
function compareTimes(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (a.length === b.length && a.endsWith("Z") && b.endsWith("Z")) return a < b ? -1 : 1;
  return (timeOf(a) ?? -Infinity) - (timeOf(b) ?? -Infinity);
}

/** True when `a`'s parts numbers were read after `b`'s (ties go to `b`, the fresher source). */
function partsReadLater(a: UploadRow, b: UploadRow): boolean {
  return compareTimes(a.partsInfo?.checkedAt, b.partsInfo?.checkedAt) > 0;
}

/**
 * A fresh listing replaces the previous one (a full answer) or is applied to it (changed rows
 * replace theirs, removed ones go), except that parts numbers read more recently on the client
 * (refreshParts) win over older ones, and rows seen gone after the listing was taken stay
 * hidden.
 */
export function mergeListing(previous: LiveListing | undefined, fresh: UploadListingChanges): LiveListing {
  const listedAt = timeOf(fresh.listedAt) ?? 0;
  const gone: Record<string, string> = {};
  for (const [id, at] of Object.entries(previous?.gone ?? {})) {
    const t = timeOf(at) ?? 0;
    if (t >= listedAt || listedAt - t < GONE_MEMORY_MS) gone[id] = at;
  }
  const previousById = new Map((previous?.rows ?? []).map((row) => [row.id, row]));
  // Changes apply to the rows held here (previousById is this call's own map to edit).
  const byId = fresh.full ? new Map<string, UploadRow>() : previousById;
  for (const id of fresh.removed) byId.delete(id);
  for (const row of fresh.rows) {
    const goneAt = timeOf(gone[row.id]);
    if (goneAt !== null && goneAt >= listedAt) continue;
    if (goneAt !== null) delete gone[row.id]; // listed again after it was seen gone: believe the listing
    const prev = previousById.get(row.id);
    byId.set(
      row.id,
      prev && partsReadLater(prev, row)
        ? { ...row, partsInfo: prev.partsInfo, partsError: prev.partsError }
        : row,
    );
  }
  const rows = [...byId.values()];
  const partsPending = rows.filter((row) => row.partsInfo === null && !row.partsError).length;
  const listed = fresh.buckets.reduce((sum, bucket) => sum + bucket.uploads, 0);
  const { full: _full, removed: _removed, cursor, ...listing } = fresh;
  return {
    ...listing,
    rows,
    partsPending,
    gone,
    // Rows hidden as gone, or any drift, make the counts differ: ask for every row next time.
    cursor: rows.length === listed ? cursor : null,
  };
}

/** Applies a refreshParts answer: new numbers where they are newer, gone rows removed. */
export function applyPartsUpdates(
  listing: LiveListing,
  updates: readonly PartsUpdate[],
  now: number,
): LiveListing {
  if (updates.length === 0) return listing;
  const byId = new Map(updates.map((u) => [u.id, u]));
  const gone = { ...listing.gone };
  const nowIso = new Date(now).toISOString();
  const rows: UploadRow[] = [];
  for (const row of listing.rows) {
    const update = byId.get(row.id);
    if (!update) {
      rows.push(row);
      continue;
    }
    if (update.gone) {
      gone[row.id] = nowIso;
      continue;
    }
    if (update.partsInfo) {
      const candidate: UploadRow = {
        ...row,
        partsInfo: update.partsInfo,
        partsError: update.partsError,
      };
      rows.push(partsReadLater(row, candidate) ? row : candidate);
    } else if (update.partsError) {
      // The re-read failed: keep the last numbers, show why they are not fresh.
      rows.push({ ...row, partsError: update.partsError });
    } else {
      rows.push(row);
    }
  }
  const partsPending = rows.filter((row) => row.partsInfo === null && !row.partsError).length;
  return { ...listing, rows, partsPending, gone };
}

/** Removes rows known to be gone (an abort proven, "already gone"). */
export function markGone(listing: LiveListing, ids: readonly string[], now: number): LiveListing {
  if (ids.length === 0) return listing;
  const drop = new Set(ids);
  const nowIso = new Date(now).toISOString();
  const gone = { ...listing.gone };
  for (const id of ids) gone[id] = nowIso;
  return { ...listing, rows: listing.rows.filter((row) => !drop.has(row.id)), gone };
}
