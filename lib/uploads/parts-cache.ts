import "server-only";
import type { ReclaimError } from "@/lib/s3/types";
import type { LastRead, ReadFailures } from "@/lib/uploads/reread-policy";
import type { PartsInfo } from "@/lib/uploads/types";

// Server-side memory of each listed upload's parts, per profile. ListParts costs one request
// per upload, so the listing reuses these numbers and lib/uploads/reread-policy.ts decides
// when each is read again. Only uploads still listed are kept.

interface Entry {
  info: PartsInfo;
  /** Read once only so far (the policy spreads the first re-reads). */
  first: boolean;
}

/** Reads that failed since the upload's last good one, with the latest error. */
interface Failure extends ReadFailures {
  error: ReclaimError;
}

const byProfile = new Map<string, Map<string, Entry>>();
const failuresByProfile = new Map<string, Map<string, Failure>>();

function mapFor<T>(maps: Map<string, Map<string, T>>, profileId: string): Map<string, T> {
  let map = maps.get(profileId);
  if (!map) {
    map = new Map();
    maps.set(profileId, map);
  }
  return map;
}

function cacheFor(profileId: string): Map<string, Entry> {
  return mapFor(byProfile, profileId);
}

function failuresFor(profileId: string): Map<string, Failure> {
  return mapFor(failuresByProfile, profileId);
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
  failuresFor(profileId).delete(rowId);
}

/** A read of this upload's parts failed (the numbers read before, if any, are kept). */
export function noteReadFailure(profileId: string, rowId: string, error: ReclaimError, at: number): void {
  const failures = failuresFor(profileId);
  failures.set(rowId, { lastAt: at, count: (failures.get(rowId)?.count ?? 0) + 1, error });
}

/** Failed reads since the last good one; null when the last read succeeded (or none was tried). */
export function getReadFailure(profileId: string, rowId: string): Failure | null {
  return failuresFor(profileId).get(rowId) ?? null;
}

export function forgetParts(profileId: string, rowId: string): void {
  cacheFor(profileId).delete(rowId);
  failuresFor(profileId).delete(rowId);
}

/** Drops entries of uploads no longer listed in the given buckets. */
export function pruneParts(profileId: string, listedIds: ReadonlySet<string>, listedBuckets: ReadonlySet<string>): void {
  for (const map of [cacheFor(profileId), failuresFor(profileId)]) {
    for (const id of map.keys()) {
      const bucket = id.slice(0, id.indexOf("\u0000"));
      if (listedBuckets.has(bucket) && !listedIds.has(id)) map.delete(id);
    }
  }
}
