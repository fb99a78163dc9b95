"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { BucketCards } from "@/components/buckets/bucket-cards";
import { BucketTable } from "@/components/buckets/bucket-table";
import { CoverageSummary } from "@/components/buckets/coverage-summary";
import { OverviewHeader } from "@/components/buckets/overview-header";
import { bucketOverviewQuery } from "@/components/buckets/queries";
import { RuleActions } from "@/components/buckets/rule-actions";
import { RuleDialog, type RuleEdit } from "@/components/buckets/rule-dialog";
import { RuleNotice } from "@/components/buckets/rule-notice";
import { useNow } from "@/components/buckets/use-now";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorCard, LoadingCard } from "@/components/ui/status-card";
import type { BucketOverviewRow } from "@/lib/lifecycle-coverage";

/** The buckets page: totals, then per bucket its uploads and abort rule; admins edit the rule. */
export function BucketOverview({ profileId, canEdit }: { profileId: string; canEdit: boolean }) {
  const overview = useQuery(bucketOverviewQuery(profileId));
  const now = useNow(5_000);
  const [editing, setEditing] = useState<RuleEdit | null>(null);
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

      <OverviewHeader
        overview={data}
        now={now}
        refreshing={overview.isFetching}
        onRefresh={() => overview.refetch()}
      />
      <RuleNotice notice={notice} onDismiss={() => setNotice(null)} />

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

      {canEdit && editing && editingRow ? (
        <RuleDialog
          profileId={profileId}
          edit={editing}
          row={editingRow}
          onClose={close}
          onDone={done}
        />
      ) : null}
    </div>
  );
}
