"use client";

import { useQuery } from "@tanstack/react-query";
import { AttemptsSection } from "@/components/history/attempts-section";
import { HistoryEmptyState } from "@/components/history/history-empty-state";
import { OverviewSection } from "@/components/history/overview-section";
import { historyOverviewQuery } from "@/components/history/queries";
import { Card } from "@/components/ui/card";
import type { HistoryFilter } from "@/lib/ledger/history";

/** The whole history view; data comes prefetched from the page and refreshes while visible. */
export function HistoryView({
  filter,
  page,
  problems,
  canReverify,
}: {
  filter: HistoryFilter;
  page: number;
  problems: string[];
  canReverify: boolean;
}) {
  const overview = useQuery(historyOverviewQuery());

  if (overview.isPending) {
    return (
      <Card role="status" className="p-5 text-sm text-muted-foreground">
        Reading the ledger…
      </Card>
    );
  }
  if (overview.isError) {
    return (
      <Card role="alert" className="border-destructive/40 p-5 text-sm">
        <p className="font-medium text-destructive">Could not read the ledger</p>
        <p className="mt-1 text-muted-foreground">{overview.error.message}</p>
      </Card>
    );
  }
  if (overview.data.totals.attempts === 0) return <HistoryEmptyState />;

  return (
    <>
      <OverviewSection overview={overview.data} />
      <AttemptsSection
        filter={filter}
        page={page}
        problems={problems}
        facets={overview.data.facets}
        canReverify={canReverify}
        unknownCount={overview.data.totals.outcomes.unknown}
      />
    </>
  );
}
