import "server-only";
import type { PartsInfo } from "@/lib/uploads/types";

// Server-side memory of each listed upload's parts, per profile. ListParts costs one request
// per upload, so the listing reuses these numbers and a background scan refreshes the
// stale ones; rows in view are refreshed on demand. Only uploads still listed are kept.

export const STALE_AFTER_MS = 60_000;

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

export function isStale(info: PartsInfo | null, now = Date.now()): boolean {
  return !info || now - Date.parse(info.checkedAt) > STALE_AFTER_MS;
}
