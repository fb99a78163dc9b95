"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { AbortRuleDialog } from "@/components/buckets/abort-rule-dialog";
import { BucketCards } from "@/components/buckets/bucket-cards";
import { BucketTable } from "@/components/buckets/bucket-table";
import { CoverageSummary } from "@/components/buckets/coverage-summary";
import { RemoveRuleDialog } from "@/components/buckets/remove-rule-dialog";
import { RuleActions } from "@/components/buckets/rule-actions";
import { useNow } from "@/components/buckets/use-now";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorCard, LoadingCard } from "@/components/ui/status-card";
import { formatAgo, formatBytes, plural } from "@/lib/format";
import { BUCKET_OVERVIEW_REFRESH_MS, bucketOverviewQuery } from "@/components/buckets/queries";
import type { BucketOverviewRow } from "@/lib/lifecycle-coverage";

type Editing = { kind: "set" | "remove"; bucket: string } | null;

/** Lifecycle rules of the bucket that Reclaim does not own (kept on every change). */
function otherRulesOf(row: BucketOverviewRow): number {
  return row.lifecycle.status === "rules"
    ? row.lifecycle.otherRules + row.lifecycle.rules.filter((r) => !r.ours).length
    : 0;
}

export function BucketOverview({ profileId, canEdit }: { profileId: string; canEdit: boolean }) {
  const overview = useQuery(bucketOverviewQuery(profileId));
  const now = useNow(5_000);
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);

  if (overview.isPending) {
    return <LoadingCard>Reading buckets, incomplete uploads and lifecycle rules…</LoadingCard>;
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
          {/* Wide screens: one table; narrow screens: one card per bucket. */}
          <BucketTable rows={data.buckets} now={now} actions={canEdit ? actions : undefined} />
          <BucketCards rows={data.buckets} now={now} actions={canEdit ? actions : undefined} />
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
