"use client";

import { useQuery } from "@tanstack/react-query";
import { AttemptsSection } from "@/components/history/attempts-section";
import { HistoryEmptyState } from "@/components/history/history-empty-state";
import { OverviewSection } from "@/components/history/overview-section";
import { historyOverviewQuery } from "@/components/history/queries";
import { ErrorCard, LoadingCard } from "@/components/ui/status-card";
import type { HistoryFilter } from "@/lib/ledger/types";

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
      <LoadingCard>Reading the ledger…</LoadingCard>
    );
  }
  if (overview.isError) {
    return (
      <ErrorCard title="Could not read the ledger" message={overview.error.message} />
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
