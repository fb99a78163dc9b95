"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { removeAbortRuleAction, setAbortRuleAction } from "@/app/actions/lifecycle";
import { unwrap } from "@/lib/action-result";
import { bucketKeys } from "@/components/buckets/queries";
import type { BucketLifecycle } from "@/lib/lifecycle-coverage";
import type { BucketOverview } from "@/lib/lifecycle-coverage";

/** Puts the lifecycle the server wrote into the cached view at once; the refetch recomputes coverage. */
function patchLifecycle(
  overview: BucketOverview | undefined,
  bucket: string,
  lifecycle: BucketLifecycle,
) {
  if (!overview) return overview;
  return {
    ...overview,
    buckets: overview.buckets.map((b) => (b.bucket === bucket ? { ...b, lifecycle } : b)),
  };
}

export function useSetAbortRule(profileId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { bucket: string; days: number; prefix: string }) =>
      unwrap(await setAbortRuleAction({ profileId, ...input })),
    onSuccess: (lifecycle, { bucket }) => {
      queryClient.setQueryData<BucketOverview>(bucketKeys.overview(profileId), (old) =>
        patchLifecycle(old, bucket, lifecycle),
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: bucketKeys.overview(profileId) }),
  });
}

export function useRemoveAbortRule(profileId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { bucket: string }) =>
      unwrap(await removeAbortRuleAction({ profileId, ...input })),
    onSuccess: (lifecycle, { bucket }) => {
      queryClient.setQueryData<BucketOverview>(bucketKeys.overview(profileId), (old) =>
        patchLifecycle(old, bucket, lifecycle),
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: bucketKeys.overview(profileId) }),
  });
}
