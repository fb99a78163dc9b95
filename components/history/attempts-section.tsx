"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState } from "react";
import { AttemptCards } from "@/components/history/attempt-cards";
import { AttemptFilters } from "@/components/history/attempt-filters";
import { AttemptTable } from "@/components/history/attempt-table";
import { exportHref, hasFilters } from "@/lib/ledger/filter-params";
import { canReverifyOutcome } from "@/components/history/outcome-labels";
import { Pager } from "@/components/history/pager";
import { historyAttemptsQuery } from "@/components/history/queries";
import { ResolveUnknownButton } from "@/components/history/resolve-unknown-button";
import { ReverifyButton, type ReverifyNotice } from "@/components/history/reverify-button";
import { Card } from "@/components/ui/card";
import type { HistoryFacets, HistoryFilter, LedgerEntry } from "@/lib/ledger/types";
import { cn } from "@/lib/utils";

const noticeTone: Record<ReverifyNotice["tone"], string> = {
  success: "border-success/30 bg-success/5 text-success",
  info: "border-primary/30 bg-primary/5 text-foreground",
  error: "border-destructive/30 bg-destructive/5 text-destructive",
};

/** The filtered, paged list of abort attempts with its filters, export link and re-verify. */
export function AttemptsSection({
  filter,
  page,
  problems,
  facets,
  canReverify,
  unknownCount,
}: {
  filter: HistoryFilter;
  page: number;
  problems: string[];
  facets: HistoryFacets;
  canReverify: boolean;
  unknownCount: number;
}) {
  const titleId = useId();
  const attempts = useQuery(historyAttemptsQuery(filter, page));
  const [notice, setNotice] = useState<ReverifyNotice | null>(null);

  const actionFor = (entry: LedgerEntry) =>
    canReverify && canReverifyOutcome(entry.outcome) ? (
      <ReverifyButton id={entry.id} what={`${entry.bucket}/${entry.key}`} onResult={setNotice} />
    ) : null;

  return (
    <Card aria-labelledby={titleId} className="flex min-w-0 flex-col">
      <div className="flex flex-col gap-3 border-b border-border p-4">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id={titleId} className="text-sm font-semibold">
            Abort attempts
          </h2>
          <div className="flex flex-wrap items-center gap-2">
            {canReverify && unknownCount > 0 ? <ResolveUnknownButton count={unknownCount} onResult={setNotice} /> : null}
            <a
              href={exportHref(filter)}
              download
              className="inline-flex h-7 items-center rounded-md border border-border bg-card px-2.5 text-xs font-medium hover:bg-muted"
            >
              Export CSV
            </a>
          </div>
        </div>
        <AttemptFilters filter={filter} facets={facets} />
        {problems.length > 0 ? (
          <p className="text-xs text-warning" role="note">
            Ignored from the address: {problems.join(" ")}
          </p>
        ) : null}
      </div>

      <div role="status" aria-live="polite" className="empty:hidden">
        {notice ? (
          <div className={cn("m-4 mb-0 flex items-start justify-between gap-3 rounded-md border px-3 py-2 text-sm", noticeTone[notice.tone])}>
            <p>{notice.message}</p>
            <button type="button" className="text-xs underline" onClick={() => setNotice(null)}>
              Dismiss
            </button>
          </div>
        ) : null}
      </div>

      {attempts.isPending ? (
        <p role="status" className="p-4 text-sm text-muted-foreground">
          Loading attempts…
        </p>
      ) : attempts.isError ? (
        <div role="alert" className="p-4 text-sm">
          <p className="font-medium text-destructive">Could not read the ledger</p>
          <p className="mt-1 text-muted-foreground">{attempts.error.message}</p>
        </div>
      ) : attempts.data.total === 0 ? (
        <div className="flex flex-col items-center gap-2 px-4 py-10 text-center text-sm">
          <p className="font-medium">No attempts match these filters.</p>
          {hasFilters(filter) ? (
            <Link href="/history" scroll={false} className="text-primary hover:underline">
              Clear filters
            </Link>
          ) : null}
        </div>
      ) : (
        <div className={cn("transition-opacity", attempts.isPlaceholderData && "opacity-60")} aria-busy={attempts.isPlaceholderData}>
          <div className="hidden md:block">
            <AttemptTable entries={attempts.data.entries} actionFor={actionFor} />
          </div>
          <div className="md:hidden">
            <AttemptCards entries={attempts.data.entries} actionFor={actionFor} />
          </div>
          <div className="border-t border-border">
            <Pager filter={filter} data={attempts.data} />
          </div>
        </div>
      )}
    </Card>
  );
}
