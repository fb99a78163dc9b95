"use client";

import { Badge } from "@/components/ui/badge";
import { BodyRow, ColumnHeader, ScrollTable, TableHeader } from "@/components/ui/table";
import { RUN_STATUSES } from "@/components/policies/labels";
import { formatBytes, formatDateTime, formatDuration, plural } from "@/lib/format";
import { describeSelection } from "@/lib/jobs/filter-params";
import { MODE_TEXT } from "@/lib/policies/form";
import type { PolicyRun, PolicyView } from "@/lib/policies/types";
import { cn } from "@/lib/utils";

function lastRunBytes(run: PolicyRun): string {
  if (run.reclaimedBytes !== null) return `${formatBytes(run.reclaimedBytes)} reclaimed`;
  if (run.matchedUploads !== null) return `${plural(run.matchedUploads, "upload")} · ${formatBytes(run.matchedBytes ?? 0)} found`;
  return "";
}

/** Every policy: what it covers, when it runs next, how its last run went. Selecting one opens it. */
export function PolicyList({
  views,
  selectedId,
  now,
  onSelect,
}: {
  views: PolicyView[];
  selectedId: string | null;
  now: number;
  onSelect: (policyId: string) => void;
}) {
  return (
    <ScrollTable caption="Cleanup policies" tableClassName="min-w-[64rem]" data-testid="policy-list">
      <TableHeader className="border-b border-border uppercase">
        <tr>
          <ColumnHeader className="px-4 py-2">Policy</ColumnHeader>
          <ColumnHeader className="px-4 py-2">Uploads</ColumnHeader>
          <ColumnHeader className="px-4 py-2">Schedule</ColumnHeader>
          <ColumnHeader className="px-4 py-2">Next run</ColumnHeader>
          <ColumnHeader className="px-4 py-2">Last run</ColumnHeader>
        </tr>
      </TableHeader>
      <tbody>
        {views.map(({ policy, nextRunAt, lastRun, running, failedDeliveries }) => {
          const selected = policy.id === selectedId;
          return (
            <BodyRow key={policy.id} className={cn("align-top", selected && "bg-primary/5")} data-testid="policy-row">
              <td className="px-4 py-2.5">
                <button
                  type="button"
                  onClick={() => onSelect(policy.id)}
                  aria-current={selected ? "true" : undefined}
                  className="text-left font-medium underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-ring"
                >
                  {policy.name}
                </button>
                <div className="mt-1 flex flex-wrap gap-1">
                  <Badge tone={policy.mode === "abort" ? "danger" : "info"} title={MODE_TEXT[policy.mode].hint}>
                    {MODE_TEXT[policy.mode].label}
                  </Badge>
                  {policy.enabled ? null : <Badge>Paused</Badge>}
                  {running ? (
                    <Badge tone="info">
                      <span aria-hidden className="size-1.5 animate-pulse rounded-full bg-current" />
                      Running
                    </Badge>
                  ) : null}
                  {failedDeliveries > 0 ? <Badge tone="danger">{plural(failedDeliveries, "webhook failure")}</Badge> : null}
                </div>
              </td>
              <td className="max-w-[28rem] px-4 py-2.5">
                <div className="text-xs text-muted-foreground">{policy.profileId}</div>
                <div className="truncate font-mono text-xs" title={describeSelection({ ...policy.selection, profileId: policy.profileId }).join(" · ")}>
                  {describeSelection({ ...policy.selection, profileId: policy.profileId }).join(" · ")}
                </div>
              </td>
              <td className="px-4 py-2.5 whitespace-nowrap">
                <span className="font-mono text-xs">{policy.schedule}</span>
                <div className="text-xs text-muted-foreground">{policy.timeZone}</div>
              </td>
              <td className="px-4 py-2.5 whitespace-nowrap tabular-nums" data-testid="next-run">
                {nextRunAt ? (
                  <>
                    {formatDateTime(nextRunAt, { seconds: new Date(nextRunAt).getUTCSeconds() !== 0 })}
                    <div className="text-xs text-muted-foreground">{Date.parse(nextRunAt) <= now ? "due now" : `in ${formatDuration(Date.parse(nextRunAt) - now)}`}</div>
                  </>
                ) : (
                  <span className="text-muted-foreground">{policy.enabled ? "never" : "paused"}</span>
                )}
              </td>
              <td className="px-4 py-2.5" data-testid="last-run">
                {lastRun ? (
                  <>
                    <Badge tone={RUN_STATUSES[lastRun.status].tone}>{RUN_STATUSES[lastRun.status].label}</Badge>
                    <div className="mt-0.5 text-xs text-muted-foreground tabular-nums">
                      {formatDateTime(lastRun.startedAt)}
                      {lastRunBytes(lastRun) ? ` · ${lastRunBytes(lastRun)}` : ""}
                    </div>
                  </>
                ) : (
                  <span className="text-muted-foreground">not run yet</span>
                )}
              </td>
            </BodyRow>
          );
        })}
      </tbody>
    </ScrollTable>
  );
}
