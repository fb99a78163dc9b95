// The listing as kept on the client: fresh listings (full or changes only) and parts
// refreshes merged into the rows on screen, and rows known to be gone kept hidden.
// Pure: no React, no clock reads (callers pass `now`).
import { timeOf } from "@/lib/uploads/filter-sort";
import type {
  ListingCursor,
  PartsUpdate,
  UploadListing,
  UploadListingChanges,
  UploadRow,
} from "@/lib/uploads/types";

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
export function mergeListing(
  previous: LiveListing | undefined,
  fresh: UploadListingChanges,
): LiveListing {
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
