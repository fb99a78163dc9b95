import { queryOptions } from "@tanstack/react-query";
import { listBucketsAction } from "@/app/actions/buckets";
import { unwrap } from "@/lib/action-result";

// Query key factories and options, one block per feature. Components never write keys.

export const bucketKeys = {
  all: ["buckets"] as const,
  list: (profileId: string) => [...bucketKeys.all, profileId] as const,
};

export function bucketListQuery(profileId: string) {
  return queryOptions({
    queryKey: bucketKeys.list(profileId),
    queryFn: async () => unwrap(await listBucketsAction({ profileId })),
  });
}
