import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { historyOverviewAction, listAttemptsAction } from "@/app/actions/history";
import { unwrap } from "@/lib/action-result";
import type { HistoryFilter } from "@/lib/ledger/types";

// Query keys and options for the history view. Components never write keys.

/** The ledger changes whenever someone aborts: refresh while the page is visible. */
const REFRESH_MS = 15_000;

export const historyKeys = {
  all: ["history"] as const,
  overview: () => [...historyKeys.all, "overview"] as const,
  attempts: (filter: HistoryFilter, page: number) => [...historyKeys.all, "attempts", filter, page] as const,
};

export function historyOverviewQuery() {
  return queryOptions({
    queryKey: historyKeys.overview(),
    queryFn: async () => unwrap(await historyOverviewAction({})),
    refetchInterval: REFRESH_MS,
  });
}

export function historyAttemptsQuery(filter: HistoryFilter, page: number) {
  return queryOptions({
    queryKey: historyKeys.attempts(filter, page),
    queryFn: async () => unwrap(await listAttemptsAction({ filter, page })),
    refetchInterval: REFRESH_MS,
    // Changing a filter keeps the old rows on screen (dimmed) until the new ones arrive.
    placeholderData: keepPreviousData,
  });
}
