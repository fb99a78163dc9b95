import { Badge } from "@/components/ui/badge";
import { JOB_STATUSES } from "@/lib/outcomes";
import type { JobStatus } from "@/lib/jobs/types";

export function JobStatusBadge({ status, className }: { status: JobStatus; className?: string }) {
  return (
    <Badge tone={JOB_STATUSES[status].tone} className={className} data-testid="job-status">
      {status === "running" || status === "queued" || status === "cancelling" ? (
        <span aria-hidden className="size-1.5 animate-pulse rounded-full bg-current" />
      ) : null}
      {JOB_STATUSES[status].label}
    </Badge>
  );
}
