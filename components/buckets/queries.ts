import { queryOptions } from "@tanstack/react-query";
import { listBucketsAction } from "@/app/actions/buckets";
import { bucketOverviewAction } from "@/app/actions/lifecycle";
import { unwrap } from "@/lib/action-result";

// Query keys and options for buckets (the buckets view, and the bucket list the bulk form
// offers). Components never write keys.

export const bucketKeys = {
  all: ["buckets"] as const,
  list: (profileId: string) => [...bucketKeys.all, profileId] as const,
  /** Uploads per bucket with lifecycle rules and coverage (the buckets view). */
  overview: (profileId: string) => [...bucketKeys.all, profileId, "overview"] as const,
};

export function bucketListQuery(profileId: string) {
  return queryOptions({
    queryKey: bucketKeys.list(profileId),
    queryFn: async () => unwrap(await listBucketsAction({ profileId })),
  });
}

/** Lifecycle rules change rarely; uploads come and go, so the view refreshes every 30 s. */
export const BUCKET_OVERVIEW_REFRESH_MS = 30_000;

export function bucketOverviewQuery(profileId: string) {
  return queryOptions({
    queryKey: bucketKeys.overview(profileId),
    queryFn: async () => unwrap(await bucketOverviewAction({ profileId })),
    staleTime: 10_000,
    refetchInterval: BUCKET_OVERVIEW_REFRESH_MS,
  });
}
