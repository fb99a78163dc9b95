import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import {
  cleanupStatusAction,
  listUploadsAction,
  refreshPartsAction,
  requestBillAction,
  verifyUploadsAction,
} from "@/app/actions/uploads";
import { isPermanentFailure, unwrap } from "@/lib/action-result";
import { CLEANUP_STATUS_REFRESH_MS, REQUEST_BILL_REFRESH_MS } from "@/lib/poll-intervals";
import { applyPartsUpdates, mergeListing, type LiveListing } from "@/lib/uploads/live-listing";
import { rowId, type UploadRef, type VerifyResult } from "@/lib/uploads/types";

// Query keys and options for the uploads view. Components never write keys.
// The list is one entry per profile; parts refreshes are merged into it
// (lib/uploads/live-listing.ts), so the table reads one source. Every queryFn is a server action:
// they run one at a time per browser, so each is one batched call, never one per row.

export const uploadKeys = {
  all: ["uploads"] as const,
  lists: () => [...uploadKeys.all, "list"] as const,
  list: (profileId: string) => [...uploadKeys.lists(), profileId] as const,
  parts: (profileId: string, ids: readonly string[]) =>
    [...uploadKeys.all, "parts", profileId, ids] as const,
  verify: (profileId: string, ids: readonly string[]) =>
    [...uploadKeys.all, "verify", profileId, ids] as const,
  abort: (profileId: string) => [...uploadKeys.all, "abort", profileId] as const,
  /** Reclaimed so far and the abort rules of the buckets holding uploads; aborts invalidate it. */
  status: (profileId: string) => [...uploadKeys.all, "status", profileId] as const,
  statusOf: (profileId: string, buckets: readonly string[]) =>
    [...uploadKeys.status(profileId), buckets] as const,
  /** What the dashboard itself sent to the endpoint in the last hour. */
  bill: (profileId: string) => [...uploadKeys.all, "bill", profileId] as const,
};

function toRefs(uploads: readonly UploadRef[]): UploadRef[] {
  return uploads.slice(0, 300).map(({ bucket, key, uploadId }) => ({ bucket, key, uploadId }));
}

/** Every upload of the profile, re-listed every `refreshMs` while the tab is visible. */
export function uploadListQuery(profileId: string, refreshMs: number) {
  return queryOptions({
    queryKey: uploadKeys.list(profileId),
    queryFn: async ({ client, queryKey }): Promise<LiveListing> => {
      const held = client.getQueryData<LiveListing>(queryKey);
      const fresh = unwrap(
        await listUploadsAction({ profileId, since: held?.cursor ?? undefined }),
      );
      return mergeListing(held, fresh);
    },
    // Back off after a failure; stop on one that asking again will not fix.
    refetchInterval: (query) => {
      if (query.state.status === "error")
        return isPermanentFailure(query.state.error) ? false : refreshMs * 3;
      return refreshMs;
    },
    refetchIntervalInBackground: false,
    staleTime: refreshMs,
    retry: (failureCount, error) => failureCount < 2 && !isPermanentFailure(error),
  });
}

/** The ledger totals and the abort rules of `buckets` (sorted, unique: the key follows them). */
export function cleanupStatusQuery(profileId: string, buckets: readonly string[]) {
  return queryOptions({
    queryKey: uploadKeys.statusOf(profileId, buckets),
    queryFn: async () => unwrap(await cleanupStatusAction({ profileId, buckets: [...buckets] })),
    // A bucket gaining or losing uploads changes the key: keep the last answer on screen meanwhile.
    placeholderData: keepPreviousData,
    staleTime: 5_000,
    refetchInterval: (query) =>
      query.state.status === "error" && isPermanentFailure(query.state.error)
        ? false
        : CLEANUP_STATUS_REFRESH_MS,
    refetchIntervalInBackground: false,
  });
}

export function requestBillQuery(profileId: string) {
  return queryOptions({
    queryKey: uploadKeys.bill(profileId),
    queryFn: async () => unwrap(await requestBillAction({ profileId })),
    staleTime: 10_000,
    refetchInterval: (query) =>
      query.state.status === "error" && isPermanentFailure(query.state.error)
        ? false
        : REQUEST_BILL_REFRESH_MS,
    refetchIntervalInBackground: false,
    retry: false,
  });
}

/**
 * Sends the rows in view (≤300, one call) every refresh; the server re-reads those due by its
 * schedule and answers the rest from memory. The answers are merged into the list.
 */
export function uploadPartsQuery(
  profileId: string,
  uploads: readonly UploadRef[],
  refreshMs: number,
) {
  const refs = toRefs(uploads);
  return queryOptions({
    queryKey: uploadKeys.parts(profileId, refs.map(rowId)),
    queryFn: async ({ client }) => {
      const updates = unwrap(await refreshPartsAction({ profileId, uploads: refs }));
      client.setQueryData<LiveListing>(uploadKeys.list(profileId), (old) =>
        old ? applyPartsUpdates(old, updates, Date.now()) : old,
      );
      return { checkedAt: new Date().toISOString(), updated: updates.length };
    },
    enabled: refs.length > 0,
    refetchInterval: (query) =>
      query.state.status === "error" && isPermanentFailure(query.state.error) ? false : refreshMs,
    refetchIntervalInBackground: false,
    staleTime: refreshMs,
    gcTime: 30_000,
    // A missed refresh is repaired by the next cycle.
    retry: false,
  });
}

/**
 * Polls whether rows being aborted are gone, faster than the list, until all are gone.
 * `onResults` receives each answer with the client time it arrived.
 */
export function uploadVerifyQuery(
  profileId: string,
  uploads: readonly UploadRef[],
  intervalMs: number,
  onResults?: (results: VerifyResult[], receivedAt: number) => void,
) {
  const refs = toRefs(uploads);
  return queryOptions({
    queryKey: uploadKeys.verify(profileId, refs.map(rowId)),
    queryFn: async (): Promise<VerifyResult[]> => {
      const results = unwrap(await verifyUploadsAction({ profileId, uploads: refs }));
      onResults?.(results, Date.now());
      return results;
    },
    enabled: refs.length > 0,
    refetchInterval: (query) => {
      if (query.state.status === "error")
        return isPermanentFailure(query.state.error) ? false : intervalMs * 2;
      const results = query.state.data;
      return results && results.length > 0 && results.every((r) => r.gone) ? false : intervalMs;
    },
    refetchIntervalInBackground: false,
    staleTime: 0,
    gcTime: 30_000,
    retry: false,
  });
}
