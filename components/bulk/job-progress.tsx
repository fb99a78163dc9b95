import { Stat } from "@/components/bulk/stat";
import { formatBytes, formatBytesExact, formatCount, plural } from "@/lib/format";
import type { BulkJob } from "@/lib/jobs/types";
import { cn } from "@/lib/utils";

function failuresOf(job: BulkJob): number {
  return job.counts["verify-failed"] + job.counts.denied + job.counts.failed + job.counts.interrupted;
}

/** The progress bar and the running figures: done/total, bytes reclaimed, failures so far. */
export function JobProgress({ job }: { job: BulkJob }) {
  const failures = failuresOf(job);
  const percent = job.total === 0 ? 100 : Math.round((100 * job.done) / job.total);
  const bar =
    job.status === "done"
      ? "bg-success"
      : job.status === "failed"
        ? "bg-destructive"
        : job.status === "finished-with-failures" || job.status === "cancelled" || job.status === "cancelling"
          ? "bg-warning"
          : "bg-primary";
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-col gap-1.5">
        <div className="flex items-baseline justify-between gap-2 text-sm">
          <span id={`progress-${job.id}`} className="font-medium">
            Progress
          </span>
          <span className="text-muted-foreground tabular-nums" data-testid="job-done-total">
            {formatCount(job.done)} of {formatCount(job.total)} uploads · {percent}%
          </span>
        </div>
        <div
          role="progressbar"
          aria-labelledby={`progress-${job.id}`}
          aria-valuemin={0}
          aria-valuemax={job.total}
          aria-valuenow={job.done}
          aria-valuetext={`${formatCount(job.done)} of ${formatCount(job.total)} uploads processed`}
          className="h-2.5 overflow-hidden rounded-full bg-muted"
        >
          <div className={cn("h-full rounded-full transition-[width] duration-500", bar)} style={{ width: `${percent}%` }} />
        </div>
      </div>
      <dl className="grid grid-cols-2 gap-2 lg:grid-cols-4" aria-label="Job figures">
        <Stat label="Processed" value={`${formatCount(job.done)} / ${formatCount(job.total)}`} detail={`${plural(job.total - job.done, "upload")} to go`} />
        <Stat
          label="Reclaimed"
          value={formatBytes(job.bytesReclaimed)}
          title={formatBytesExact(job.bytesReclaimed)}
          detail={`of ${formatBytes(job.bytesSelected)} selected`}
        />
        <Stat label="Proven gone" value={formatCount(job.counts.reclaimed + job.counts["already-gone"])} detail={`${formatCount(job.counts["already-gone"])} already gone`} />
        <Stat
          label="Failures"
          value={formatCount(failures)}
          className={failures > 0 ? "border-destructive/30 bg-destructive/5" : undefined}
          detail={failures > 0 ? "see the reasons below" : "none so far"}
        />
      </dl>
    </div>
  );
}
