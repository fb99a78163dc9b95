import "server-only";
import type { LastRead } from "@/lib/uploads/reread-policy";
import type { PartsInfo } from "@/lib/uploads/types";

// Server-side memory of each listed upload's parts, per profile. ListParts costs one request
// per upload, so the listing reuses these numbers and lib/uploads/reread-policy.ts decides
// when each is read again. Only uploads still listed are kept.

interface Entry {
  info: PartsInfo;
  /** Read once only so far (the policy spreads the first re-reads). */
  first: boolean;
}

const byProfile = new Map<string, Map<string, Entry>>();

function cacheFor(profileId: string): Map<string, Entry> {
  let cache = byProfile.get(profileId);
  if (!cache) {
    cache = new Map();
    byProfile.set(profileId, cache);
  }
  return cache;
}

export function getParts(profileId: string, rowId: string): PartsInfo | null {
  return cacheFor(profileId).get(rowId)?.info ?? null;
}

/** The last read as the re-read policy sees it; null when never read. */
export function getLastRead(profileId: string, rowId: string): LastRead | null {
  const entry = cacheFor(profileId).get(rowId);
  if (!entry) return null;
  return {
    checkedAt: Date.parse(entry.info.checkedAt),
    lastPartAt: entry.info.lastPartAt === null ? null : Date.parse(entry.info.lastPartAt),
    first: entry.first,
  };
}

export function setParts(profileId: string, rowId: string, info: PartsInfo): void {
  const cache = cacheFor(profileId);
  cache.set(rowId, { info, first: !cache.has(rowId) });
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
