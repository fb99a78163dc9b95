import { STATUS_TONE } from "@/components/bulk/labels";
import { Badge } from "@/components/ui/badge";
import { STATUS_LABEL } from "@/lib/jobs/status";
import type { JobStatus } from "@/lib/jobs/types";

export function JobStatusBadge({ status, className }: { status: JobStatus; className?: string }) {
  return (
    <Badge tone={STATUS_TONE[status]} className={className} data-testid="job-status">
      {status === "running" || status === "queued" || status === "cancelling" ? (
        <span aria-hidden className="size-1.5 animate-pulse rounded-full bg-current" />
      ) : null}
      {STATUS_LABEL[status]}
    </Badge>
  );
}
