import "server-only";
import type { PartsInfo } from "@/lib/uploads/types";

// Server-side memory of each listed upload's parts, per profile. ListParts costs one request
// per upload, so the listing reuses these numbers and a background scan refreshes the
// stale ones; rows in view are refreshed on demand. Only uploads still listed are kept.

export const STALE_AFTER_MS = 60_000;
/**
 * The background re-reads at most about this many uploads a second, so a big inventory is not
 * re-counted non-stop against the gateway (20,000 uploads: each every 200 s, not every 60 s).
 * Rows in view are re-read on every refresh regardless.
 */
export const BACKGROUND_READS_PER_SECOND = 100;

/** How old cached numbers may get before the background re-reads them, for this many uploads. */
export function staleAfterMs(uploads: number): number {
  return Math.max(STALE_AFTER_MS, (uploads / BACKGROUND_READS_PER_SECOND) * 1000);
}

const byProfile = new Map<string, Map<string, PartsInfo>>();

function cacheFor(profileId: string): Map<string, PartsInfo> {
  let cache = byProfile.get(profileId);
  if (!cache) {
    cache = new Map();
    byProfile.set(profileId, cache);
  }
  return cache;
}

export function getParts(profileId: string, rowId: string): PartsInfo | null {
  return cacheFor(profileId).get(rowId) ?? null;
}

export function setParts(profileId: string, rowId: string, info: PartsInfo): void {
  cacheFor(profileId).set(rowId, info);
}

export function forgetParts(profileId: string, rowId: string): void {
  cacheFor(profileId).delete(rowId);
}

/** Drops entries of uploads no longer listed in the given buckets. */
export function pruneParts(profileId: string, listedIds: ReadonlySet<string>, listedBuckets: ReadonlySet<string>): void {
  const cache = cacheFor(profileId);
  for (const id of cache.keys()) {
    const bucket = id.slice(0, id.indexOf("\u0000"));
    if (listedBuckets.has(bucket) && !listedIds.has(id)) cache.delete(id);
  }
}

export function isStale(info: PartsInfo | null, staleAfter = STALE_AFTER_MS, now = Date.now()): boolean {
  return !info || now - Date.parse(info.checkedAt) > staleAfter;
}
