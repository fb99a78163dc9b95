"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { AbortRuleDialog } from "@/components/buckets/abort-rule-dialog";
import { CoverageSummary } from "@/components/buckets/coverage-summary";
import { LifecycleStatus } from "@/components/buckets/lifecycle-status";
import { RemoveRuleDialog } from "@/components/buckets/remove-rule-dialog";
import { RuleActions } from "@/components/buckets/rule-actions";
import { useNow } from "@/components/buckets/use-now";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorCard, LoadingCard } from "@/components/ui/status-card";
import { BodyRow, ColumnHeader, ScrollTable, TableHeader } from "@/components/ui/table";
import {
  formatAge,
  formatAgo,
  formatBytes,
  formatBytesExact,
  formatCount,
  formatDateTime,
  plural,
} from "@/lib/format";
import { BUCKET_OVERVIEW_REFRESH_MS, bucketOverviewQuery } from "@/components/buckets/queries";
import { hasAbortingRule, type BucketOverviewRow } from "@/lib/lifecycle-coverage";
import { cn } from "@/lib/utils";

type Editing = { kind: "set" | "remove"; bucket: string } | null;

/** Lifecycle rules of the bucket that Reclaim does not own (kept on every change). */
function otherRulesOf(row: BucketOverviewRow): number {
  return row.lifecycle.status === "rules"
    ? row.lifecycle.otherRules + row.lifecycle.rules.filter((r) => !r.ours).length
    : 0;
}

function isUnprotected(row: BucketOverviewRow): boolean {
  return (
    (row.lifecycle.status === "none" || row.lifecycle.status === "rules") &&
    !hasAbortingRule(row.lifecycle)
  );
}

function UploadsCount({ row }: { row: BucketOverviewRow }) {
  if (row.listError) {
    return (
      <span className="flex flex-col items-start gap-1">
        <Badge tone="danger">
          {row.uploads > 0 ? `${formatCount(row.uploads)}+ (incomplete)` : "Cannot list"}
        </Badge>
        <span className="text-muted-foreground max-w-56 text-xs">{row.listError.message}</span>
      </span>
    );
  }
  return <span className="tabular-nums">{formatCount(row.uploads)}</span>;
}

function HeldBytes({ row }: { row: BucketOverviewRow }) {
  return (
    <span className="flex flex-col">
      <span className="tabular-nums" title={formatBytesExact(row.bytes)}>
        {row.uploads === 0 ? "—" : formatBytes(row.bytes)}
      </span>
      {row.uncounted > 0 ? (
        <span className="text-muted-foreground text-xs">
          {formatCount(row.uncounted)} counting…
        </span>
      ) : null}
    </span>
  );
}

function NotCaught({ row }: { row: BucketOverviewRow }) {
  const { uncovered, unknown } = row.coverage;
  if (unknown.uploads > 0)
    return (
      <span className="text-muted-foreground" title="The bucket's lifecycle rules cannot be read">
        Unknown
      </span>
    );
  if (uncovered.uploads === 0)
    return <span className="text-muted-foreground">{row.uploads === 0 ? "—" : "None"}</span>;
  return (
    <span className="flex flex-col">
      <span
        className="text-warning font-medium tabular-nums"
        title={formatBytesExact(uncovered.bytes)}
      >
        {formatBytes(uncovered.bytes)}
      </span>
      <span className="text-muted-foreground text-xs">{plural(uncovered.uploads, "upload")}</span>
    </span>
  );
}

export function BucketOverview({ profileId, canEdit }: { profileId: string; canEdit: boolean }) {
  const overview = useQuery(bucketOverviewQuery(profileId));
  const now = useNow(5_000);
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);

  if (overview.isPending) {
    return (
      <LoadingCard>Reading buckets, incomplete uploads and lifecycle rules…</LoadingCard>
    );
  }
  if (overview.isError) {
    return (
      <ErrorCard title="Could not read the buckets" message={overview.error.message}>
        <Button variant="outline" size="sm" onClick={() => overview.refetch()}>
          Try again
        </Button>
      </ErrorCard>
    );
  }

  const data = overview.data;
  const editingRow = editing ? data.buckets.find((b) => b.bucket === editing.bucket) : undefined;
  const ours =
    editingRow?.lifecycle.status === "rules"
      ? (editingRow.lifecycle.rules.find((r) => r.ours) ?? null)
      : null;
  const close = () => setEditing(null);
  const done = (message: string) => {
    setEditing(null);
    setNotice(message);
  };
  const actions = (row: BucketOverviewRow) => (
    <RuleActions
      bucket={row.bucket}
      lifecycle={row.lifecycle}
      onAdd={() => setEditing({ kind: "set", bucket: row.bucket })}
      onEdit={() => setEditing({ kind: "set", bucket: row.bucket })}
      onRemove={() => setEditing({ kind: "remove", bucket: row.bucket })}
    />
  );

  return (
    <div className="flex flex-col gap-4">
      <CoverageSummary overview={data} />

      <div className="text-muted-foreground flex flex-wrap items-center justify-between gap-2 text-xs">
        <p>
          {plural(data.totals.uploads, "incomplete upload")} holding{" "}
          {formatBytes(data.totals.bytes)} in {plural(data.totals.buckets, "bucket")} · listed{" "}
          <time dateTime={data.listedAt}>{formatAgo(data.listedAt, now)}</time> · refreshes every{" "}
          {BUCKET_OVERVIEW_REFRESH_MS / 1000} s
        </p>
        <Button
          variant="outline"
          size="sm"
          onClick={() => overview.refetch()}
          disabled={overview.isFetching}
        >
          {overview.isFetching ? "Refreshing…" : "Refresh"}
        </Button>
      </div>

      <div role="status" aria-live="polite" className="empty:hidden">
        {notice ? (
          <p className="border-success/30 bg-success/5 text-success flex items-start justify-between gap-3 rounded-md border px-3 py-2 text-sm">
            <span>{notice}</span>
            <button type="button" className="text-xs underline" onClick={() => setNotice(null)}>
              Dismiss
            </button>
          </p>
        ) : null}
      </div>

      {data.buckets.length === 0 ? (
        <Card className="text-muted-foreground p-5 text-sm">
          This endpoint has no buckets the key can see.
        </Card>
      ) : (
        <>
          {/* Wide screens: one table. */}
          <Card className="hidden overflow-hidden md:block">
            <ScrollTable caption="Buckets: incomplete uploads and the lifecycle rules that abort them">
              <TableHeader className="border-border bg-muted/50 border-b uppercase">
                <tr>
                  <ColumnHeader className="px-4 py-2.5">Bucket</ColumnHeader>
                  <ColumnHeader numeric className="px-4 py-2.5">
                    Uploads
                  </ColumnHeader>
                  <ColumnHeader numeric className="px-4 py-2.5">
                    Held
                  </ColumnHeader>
                  <ColumnHeader numeric className="px-4 py-2.5">
                    Oldest
                  </ColumnHeader>
                  <ColumnHeader className="px-4 py-2.5">Abort rule</ColumnHeader>
                  <ColumnHeader numeric className="px-4 py-2.5">
                    Not caught
                  </ColumnHeader>
                  {canEdit ? (
                    <ColumnHeader className="px-4 py-2.5">
                      <span className="sr-only">Actions</span>
                    </ColumnHeader>
                  ) : null}
                </tr>
              </TableHeader>
              <tbody>
                {data.buckets.map((row) => (
                  <BodyRow
                    key={row.bucket}
                    className={cn(
                      "align-top",
                      isUnprotected(row) && row.uploads > 0 && "bg-warning/5",
                    )}
                  >
                    <td
                      className={cn(
                        "border-l-[3px] border-l-transparent py-3 pr-4 pl-[13px] font-mono text-[0.8rem] break-all",
                        isUnprotected(row) && row.uploads > 0 && "border-l-warning",
                      )}
                    >
                      {row.bucket}
                    </td>
                    <td className="px-4 py-3 text-right">
                      <UploadsCount row={row} />
                    </td>
                    <td className="px-4 py-3 text-right">
                      <HeldBytes row={row} />
                    </td>
                    <td
                      className="px-4 py-3 text-right whitespace-nowrap tabular-nums"
                      title={formatDateTime(row.oldestInitiated)}
                    >
                      {formatAge(row.oldestInitiated, now)}
                    </td>
                    <td className="px-4 py-3">
                      <LifecycleStatus lifecycle={row.lifecycle} />
                    </td>
                    <td className="px-4 py-3 text-right">
                      <NotCaught row={row} />
                    </td>
                    {canEdit ? <td className="px-4 py-3 text-right">{actions(row)}</td> : null}
                  </BodyRow>
                ))}
              </tbody>
            </ScrollTable>
          </Card>

          {/* Narrow screens: one card per bucket. */}
          <ul aria-label="Buckets" className="flex flex-col gap-3 md:hidden">
            {data.buckets.map((row) => (
              <li key={row.bucket}>
                <Card
                  className={cn(
                    "flex flex-col gap-3 p-4",
                    isUnprotected(row) && row.uploads > 0 && "border-warning/50 bg-warning/5",
                  )}
                  aria-label={`Bucket ${row.bucket}`}
                >
                  <div className="flex items-start justify-between gap-3">
                    <h3 className="font-mono text-sm font-medium break-all">{row.bucket}</h3>
                    {canEdit ? <div className="shrink-0">{actions(row)}</div> : null}
                  </div>
                  <dl className="grid grid-cols-3 gap-2 text-sm">
                    <div>
                      <dt className="text-muted-foreground text-xs">Uploads</dt>
                      <dd>
                        <UploadsCount row={row} />
                      </dd>
                    </div>
                    <div>
                      <dt className="text-muted-foreground text-xs">Held</dt>
                      <dd>
                        <HeldBytes row={row} />
                      </dd>
                    </div>
                    <div>
                      <dt className="text-muted-foreground text-xs">Oldest</dt>
                      <dd className="tabular-nums">{formatAge(row.oldestInitiated, now)}</dd>
                    </div>
                  </dl>
                  <div className="flex flex-col gap-1 text-sm">
                    <p className="text-muted-foreground text-xs">Abort rule</p>
                    <LifecycleStatus lifecycle={row.lifecycle} />
                  </div>
                  {row.coverage.uncovered.uploads > 0 ? (
                    <p className="text-sm">
                      Not caught:{" "}
                      <span className="text-warning font-medium">
                        {formatBytes(row.coverage.uncovered.bytes)}
                      </span>{" "}
                      <span className="text-muted-foreground">
                        in {plural(row.coverage.uncovered.uploads, "upload")}
                      </span>
                    </p>
                  ) : null}
                </Card>
              </li>
            ))}
          </ul>
        </>
      )}

      {canEdit && editing?.kind === "set" && editingRow ? (
        <AbortRuleDialog
          key={editingRow.bucket}
          profileId={profileId}
          bucket={editingRow.bucket}
          rule={ours}
          otherRules={otherRulesOf(editingRow)}
          onClose={close}
          onSaved={done}
        />
      ) : null}
      {canEdit && editing?.kind === "remove" && editingRow && ours ? (
        <RemoveRuleDialog
          key={editingRow.bucket}
          profileId={profileId}
          bucket={editingRow.bucket}
          rule={ours}
          otherRules={otherRulesOf(editingRow)}
          uploads={editingRow.uploads}
          bytes={editingRow.bytes}
          onClose={close}
          onRemoved={done}
        />
      ) : null}
    </div>
  );
}
