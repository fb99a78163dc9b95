import { queryOptions } from "@tanstack/react-query";
import { getBulkJob, getBulkPreview, listBulkJobs } from "@/app/actions/bulk";
import { unwrap } from "@/lib/action-result";
import { isFinished } from "@/lib/jobs/status";
import type { ItemFilter } from "@/lib/jobs/types";

// Query keys and options of the bulk cleanup page. Every queryFn is one server action that
// answers at once; long work (a preview, a job) runs on the server and is polled here.

const ITEMS_PAGE_SIZE = 50;
const PREVIEW_POLL_MS = 600;
const JOB_POLL_MS = 1_000;
const JOBS_POLL_MS = 5_000;

export interface ItemsView {
  filter: ItemFilter;
  offset: number;
}

export const bulkKeys = {
  all: ["bulk"] as const,
  preview: (previewId: string) => [...bulkKeys.all, "preview", previewId] as const,
  jobLists: () => [...bulkKeys.all, "jobs"] as const,
  jobs: (profileId: string) => [...bulkKeys.jobLists(), profileId] as const,
  jobAll: (jobId: string) => [...bulkKeys.all, "job", jobId] as const,
  job: (jobId: string, items: ItemsView) => [...bulkKeys.jobAll(jobId), items.filter, items.offset] as const,
};

export function previewQuery(previewId: string) {
  return queryOptions({
    queryKey: bulkKeys.preview(previewId),
    queryFn: async () => unwrap(await getBulkPreview({ previewId })),
    refetchInterval: (query) => (query.state.data?.status === "resolving" ? PREVIEW_POLL_MS : false),
    refetchOnWindowFocus: false,
    staleTime: Infinity,
    retry: false,
  });
}

export function jobQuery(jobId: string, items: ItemsView) {
  return queryOptions({
    queryKey: bulkKeys.job(jobId, items),
    queryFn: async () => unwrap(await getBulkJob({ jobId, items: { filter: items.filter, offset: items.offset, limit: ITEMS_PAGE_SIZE } })),
    refetchInterval: (query) => {
      const status = query.state.data?.job.status;
      return status && isFinished(status) ? false : JOB_POLL_MS;
    },
    placeholderData: (previous) => previous,
  });
}

export function recentJobsQuery(profileId: string) {
  return queryOptions({
    queryKey: bulkKeys.jobs(profileId),
    queryFn: async () => unwrap(await listBulkJobs({ profileId, limit: 10 })),
    refetchInterval: (query) => (query.state.data?.some((job) => !isFinished(job.status)) ? JOBS_POLL_MS : false),
  });
}
