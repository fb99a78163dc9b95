"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { cancelBulkJob } from "@/app/actions/bulk";
import { JobItems } from "@/components/bulk/job-items";
import { JobProgress } from "@/components/bulk/job-progress";
import { JobStatusBadge } from "@/components/bulk/job-status-badge";
import { OutcomeCounts } from "@/components/bulk/outcome-counts";
import { bulkKeys, jobQuery } from "@/components/bulk/queries";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorCard, LoadingCard } from "@/components/ui/status-card";
import { unwrap } from "@/lib/action-result";
import { formatBytes, formatDateTime, formatDuration, plural } from "@/lib/format";
import { describeSelection } from "@/lib/jobs/filter-params";
import { isFinished } from "@/lib/jobs/status";
import { JOB_STATUSES } from "@/lib/outcomes";
import type { BulkJob, BulkSelection, ItemFilter } from "@/lib/jobs/types";

function announcement(job: BulkJob): string {
  const c = job.counts;
  const failures = c["verify-failed"] + c.denied + c.failed + c.interrupted;
  if (!isFinished(job.status)) return `Job ${JOB_STATUSES[job.status].label.toLowerCase()}.`;
  return `Job ${JOB_STATUSES[job.status].label.toLowerCase()}: ${plural(c.reclaimed, "upload")} reclaimed (${formatBytes(job.bytesReclaimed)}), ${c["already-gone"]} already gone, ${failures} failed${c.skipped ? `, ${c.skipped} skipped` : ""}${c["skipped-active"] ? `, ${c["skipped-active"]} skipped as active` : ""}${c["not-attempted"] ? `, ${c["not-attempted"]} not attempted` : ""}.`;
}

/** A bulk job, live while it runs (polled every second), then its report. */
export function JobView({
  jobId,
  canCancel,
  onClose,
  onRerun,
}: {
  jobId: string;
  canCancel: boolean;
  onClose: () => void;
  /** Preview the job's selection again: what is left of it (after failures, a cancel, a stop). */
  onRerun: (selection: BulkSelection) => void;
}) {
  const headingId = useId();
  const queryClient = useQueryClient();
  const [filter, setFilter] = useState<ItemFilter>("all");
  const [offset, setOffset] = useState(0);
  const query = useQuery(jobQuery(jobId, { filter, offset }));
  const cancel = useMutation({
    mutationFn: async () => unwrap(await cancelBulkJob({ jobId })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: bulkKeys.jobAll(jobId) }),
  });

  // When the job ends, the recent jobs list (polled more slowly) catches up at once.
  const finishedNow = query.data ? isFinished(query.data.job.status) : false;
  useEffect(() => {
    if (finishedNow) void queryClient.invalidateQueries({ queryKey: bulkKeys.jobLists() });
  }, [finishedNow, queryClient]);

  const choose = (next: ItemFilter) => {
    setFilter(next);
    setOffset(0);
  };

  if (query.isPending) {
    return (
      <LoadingCard>Loading the job…</LoadingCard>
    );
  }
  if (query.isError) {
    return (
      <ErrorCard title="Could not load this job" message={query.error.message}>
        <Button size="sm" variant="outline" onClick={onClose}>
          Back to the selection
        </Button>
      </ErrorCard>
    );
  }

  const { job, items } = query.data;
  const finished = isFinished(job.status);
  const running = job.status === "running" || job.status === "queued";
  const ended = job.finishedAt ? Date.parse(job.finishedAt) : null;
  const started = job.startedAt ? Date.parse(job.startedAt) : null;

  return (
    <Card aria-labelledby={headingId} className="flex flex-col gap-5 p-4 sm:p-5" data-testid="job-view">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex min-w-0 flex-col gap-1">
          <div className="flex flex-wrap items-center gap-2">
            <h2 id={headingId} className="text-base font-semibold">
              Bulk job <span className="font-mono text-sm">{job.id.slice(0, 8)}</span>
            </h2>
            <JobStatusBadge status={job.status} />
          </div>
          <p className="text-xs text-muted-foreground">
            {job.actorEmail} · {job.profileId} ({job.endpointHost}) · started {formatDateTime(job.startedAt ?? job.createdAt)}
            {started !== null && ended !== null ? ` · took ${ended - started < 1_000 ? "under 1 s" : formatDuration(ended - started)}` : ""}
            {job.includeActive ? " · active uploads included" : ""}
          </p>
          <p className="font-mono text-xs break-words text-muted-foreground">{describeSelection(job.selection).join(" · ")}</p>
        </div>
        <div className="flex flex-wrap gap-2">
          {canCancel && running ? (
            <Button variant="outline" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
              {cancel.isPending ? "Cancelling…" : "Cancel job"}
            </Button>
          ) : null}
          {finished ? (
            <>
              {job.status !== "done" ? (
                <Button variant="outline" onClick={() => onRerun(job.selection)}>
                  Preview the same filter again
                </Button>
              ) : null}
              <Button variant="ghost" onClick={onClose}>
                New selection
              </Button>
            </>
          ) : null}
        </div>
      </div>

      <p role="status" className="sr-only" data-testid="job-announcement">
        {announcement(job)}
      </p>
      {cancel.isError ? (
        <p role="alert" className="text-sm text-destructive">
          {cancel.error.message}
        </p>
      ) : null}

      <JobProgress job={job} />

      {job.status === "cancelling" ? (
        <p className="rounded-md border border-warning/30 bg-warning/5 px-3 py-2 text-sm text-warning">
          Cancelling: no new aborts start; the ones in flight finish and are verified.
        </p>
      ) : null}
      {job.message ? (
        <p
          className={
            job.status === "failed"
              ? "rounded-md border border-destructive/30 bg-destructive/5 px-3 py-2 text-sm text-destructive"
              : "rounded-md border border-warning/30 bg-warning/5 px-3 py-2 text-sm text-foreground"
          }
          data-testid="job-message"
        >
          {job.message}
        </p>
      ) : null}
      {job.status === "done" ? (
        <p className="rounded-md border border-success/30 bg-success/5 px-3 py-2 text-sm text-success">
          Every upload was aborted and proven gone with ListParts (or was already gone). {formatBytes(job.bytesReclaimed)} reclaimed.
        </p>
      ) : null}

      <OutcomeCounts counts={job.counts} active={filter} onSelect={choose} />
      <JobItems page={items} filter={filter} onFilter={choose} onOffset={setOffset} />
    </Card>
  );
}
