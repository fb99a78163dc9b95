"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef } from "react";
import { JobView } from "@/components/bulk/job-view";
import { PreviewCard } from "@/components/bulk/preview-card";
import { DeliveryList } from "@/components/policies/delivery-list";
import { RUN_STATUSES, TRIGGERS } from "@/components/policies/labels";
import { runReportQuery } from "@/components/policies/queries";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorCard, LoadingCard } from "@/components/ui/status-card";
import { formatDateTime, formatDuration } from "@/lib/format";
import { searchParamsFromSelection } from "@/lib/jobs/filter-params";

/** One run: how it ended, what its dry run found, its bulk job's report, its webhook deliveries. */
export function RunReport({ runId, canCancel, onClose }: { runId: string; canCancel: boolean; onClose: () => void }) {
  const headingId = useId();
  const router = useRouter();
  const report = useQuery(runReportQuery(runId));
  const ref = useRef<HTMLElement>(null);
  const loaded = report.isSuccess;
  // Opened from the runs list (or by Run now), it is further down the page: bring it into view.
  useEffect(() => {
    if (loaded) ref.current?.scrollIntoView({ block: "start", behavior: "smooth" });
  }, [loaded]);
  if (report.isPending) return <LoadingCard>Loading the run…</LoadingCard>;
  if (report.isError) {
    return (
      <ErrorCard title="Could not load this run" message={report.error.message}>
        <Button size="sm" variant="outline" onClick={onClose}>
          Close
        </Button>
      </ErrorCard>
    );
  }
  const { run, found, deliveries } = report.data;
  const took = run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : null;
  return (
    <section ref={ref} aria-labelledby={headingId} className="flex scroll-mt-4 flex-col gap-4" data-testid="run-report">
      <Card className="flex flex-col gap-2 p-4 sm:p-5">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div className="flex flex-col gap-1">
            <div className="flex flex-wrap items-center gap-2">
              <h2 id={headingId} className="text-base font-semibold">
                Run of {run.policyName} · {formatDateTime(run.startedAt, { seconds: true })}
              </h2>
              <Badge tone={RUN_STATUSES[run.status].tone} data-testid="run-status">
                {RUN_STATUSES[run.status].label}
              </Badge>
            </div>
            <p className="text-xs text-muted-foreground">
              {TRIGGERS[run.trigger]}
              {run.scheduledFor ? ` for ${formatDateTime(run.scheduledFor, { seconds: true })}` : ""}
              {run.startedBy ? ` by ${run.startedBy}` : ""} · {run.mode === "abort" ? "abort" : "report only"}
              {took !== null ? ` · took ${took < 1_000 ? "under 1 s" : formatDuration(took)}` : ""}
            </p>
          </div>
          <Button variant="ghost" onClick={onClose}>
            Close
          </Button>
        </div>
        {run.message ? (
          <p className="rounded-md border border-border bg-muted/40 px-3 py-2 text-sm" data-testid="run-message">
            {run.message}
          </p>
        ) : null}
      </Card>

      {found ? (
        <PreviewCard
          state={{ previewId: run.id, status: "ready", preview: found }}
          includeActive={false}
          onIncludeActiveChange={() => undefined}
          canAbort={false}
          onAbort={() => undefined}
          readOnly={{
            title: "What the run found",
            footer:
              run.mode === "abort"
                ? "An abort run aborts these uploads (never the ones that look active), re-reading each one's parts right before its abort."
                : "A report run aborts nothing.",
          }}
        />
      ) : null}

      {run.jobId ? (
        <JobView
          jobId={run.jobId}
          canCancel={canCancel}
          onClose={onClose}
          onRerun={(selection) => router.push(`/bulk?${searchParamsFromSelection(selection).toString()}`)}
        />
      ) : null}

      <Card className="flex flex-col gap-2 p-4">
        <h3 className="text-sm font-semibold">Webhook deliveries of this run</h3>
        <DeliveryList deliveries={deliveries} empty="No webhook was told about this run." />
      </Card>
    </section>
  );
}
