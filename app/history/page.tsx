import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { parseHistoryParams } from "@/lib/ledger/filter-params";
import { HistoryView } from "@/components/history/history-view";
import { historyAttemptsQuery, historyOverviewQuery } from "@/components/history/queries";
import { PageFrame } from "@/components/shell/page-frame";
import { requirePageUser } from "@/lib/auth/page-guard";
import { getQueryClient } from "@/lib/query-client";

export const dynamic = "force-dynamic";

export default async function HistoryPage({ searchParams }: PageProps<"/history">) {
  const user = await requirePageUser();
  const { filter, page, problems } = parseHistoryParams(await searchParams);

  // The first paint comes with data: the same queries the browser then keeps fresh.
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(historyOverviewQuery()),
    queryClient.prefetchQuery(historyAttemptsQuery(filter, page)),
  ]);

  return (
    <PageFrame user={user} current="/history" title="Reclaimed storage">
      <HydrationBoundary state={dehydrate(queryClient)}>
        <HistoryView filter={filter} page={page} problems={problems} canReverify={user.role === "admin"} />
      </HydrationBoundary>
    </PageFrame>
  );
}
