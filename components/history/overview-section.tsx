import { BreakdownTable } from "@/components/history/breakdown-table";
import { CostAvoidedCard } from "@/components/history/cost-avoided-card";
import { DailyChart } from "@/components/history/daily-chart";
import { historyHref } from "@/lib/ledger/filter-params";
import { OutcomeSummary } from "@/components/history/outcome-summary";
import { StatCard } from "@/components/history/stat-card";
import type { PricedHistoryOverview } from "@/lib/ledger/types";

/** Totals, what they save per month, the per-day chart and the per-bucket / per-profile / per-admin tables. */
export function OverviewSection({ overview }: { overview: PricedHistoryOverview }) {
  const { totals } = overview;
  const manyProfiles = overview.byProfile.length > 1;
  return (
    <>
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
        <StatCard title="Reclaimed, all time" sum={totals.allTime} emphasis />
        <StatCard title="Last 24 hours" sum={totals.last24h} />
        <StatCard title="Last 7 days" sum={totals.last7d} />
        <StatCard title="Last 30 days" sum={totals.last30d} />
        <CostAvoidedCard total={overview.costAvoided.total} unpricedBytes={overview.costAvoided.unpricedBytes} />
      </div>

      <div className="grid gap-3 lg:grid-cols-3">
        <div className="min-w-0 lg:col-span-2">
          <DailyChart points={overview.perDay} />
        </div>
        <OutcomeSummary outcomes={totals.outcomes} attempts={totals.attempts} />
      </div>

      <div className="grid items-start gap-3 lg:grid-cols-3">
        <div className="min-w-0 lg:col-span-2">
          <BreakdownTable
            title="By bucket"
            nameHeader="Bucket"
            showCost
            items={overview.byBucket.map((row) => ({
              ...row,
              id: `${row.profileId}/${row.bucket}`,
              name: row.bucket,
              detail: manyProfiles ? `profile ${row.profileId}` : undefined,
              href: historyHref({ bucket: row.bucket, ...(manyProfiles ? { profileId: row.profileId } : {}) }),
            }))}
          />
        </div>
        <div className="flex min-w-0 flex-col gap-3">
          <BreakdownTable
            compact
            title="By profile"
            nameHeader="Profile"
            items={overview.byProfile.map((row) => ({
              ...row,
              id: row.profileId,
              name: row.profileId,
              detail: row.endpointHost,
              href: historyHref({ profileId: row.profileId }),
            }))}
          />
          <BreakdownTable
            compact
            title="By admin"
            nameHeader="Admin"
            items={overview.byActor.map((row) => ({
              ...row,
              id: row.actorEmail,
              name: row.actorEmail,
              href: historyHref({ actorEmail: row.actorEmail }),
            }))}
          />
        </div>
      </div>
    </>
  );
}
