"use client";

import { useQuery } from "@tanstack/react-query";
import { JobStatusBadge } from "@/components/bulk/job-status-badge";
import { recentJobsQuery } from "@/components/bulk/queries";
import { Card } from "@/components/ui/card";
import { formatBytes, formatCount, formatDateTime } from "@/lib/format";
import { describeSelection } from "@/lib/jobs/filter-params";
import { cn } from "@/lib/utils";

/** The last jobs of this profile; opening one shows its progress or report. */
export function RecentJobs({ profileId, currentJobId, onOpen }: { profileId: string; currentJobId: string | null; onOpen: (jobId: string) => void }) {
  const jobs = useQuery(recentJobsQuery(profileId));
  return (
    <Card className="flex flex-col" aria-labelledby="recent-jobs-title">
      <h2 id="recent-jobs-title" className="border-b border-border px-4 py-3 text-base font-semibold">
        Recent jobs
      </h2>
      {jobs.isPending ? (
        <p className="px-4 py-4 text-sm text-muted-foreground">Loading…</p>
      ) : jobs.isError ? (
        <p role="alert" className="px-4 py-4 text-sm text-destructive">
          {jobs.error.message}
        </p>
      ) : jobs.data.length === 0 ? (
        <p className="px-4 py-4 text-sm text-muted-foreground">No bulk jobs on this endpoint yet.</p>
      ) : (
        <ul className="flex flex-col divide-y divide-border">
          {jobs.data.map((job) => (
            <li key={job.id}>
              <button
                type="button"
                onClick={() => onOpen(job.id)}
                aria-current={job.id === currentJobId ? "true" : undefined}
                className={cn(
                  "grid w-full grid-cols-[1fr_auto] items-center gap-x-4 gap-y-1 px-4 py-3 text-left text-sm hover:bg-muted/60 md:grid-cols-[10rem_1fr_auto_auto]",
                  job.id === currentJobId && "bg-primary/5",
                )}
              >
                <span className="flex items-center gap-2">
                  <JobStatusBadge status={job.status} />
                </span>
                <span className="order-3 col-span-2 truncate font-mono text-xs text-muted-foreground md:order-none md:col-span-1">
                  {describeSelection(job.selection).slice(0, 3).join(" · ")}
                </span>
                <span className="text-right text-xs text-muted-foreground tabular-nums md:text-sm">
                  {formatCount(job.done)}/{formatCount(job.total)} · {formatBytes(job.bytesReclaimed)}
                </span>
                <span className="hidden text-xs whitespace-nowrap text-muted-foreground tabular-nums md:inline">
                  {formatDateTime(job.createdAt)} · {job.actorEmail}
                </span>
                <span className="sr-only">Open job {job.id.slice(0, 8)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
