"use client";

import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { formatAgo, formatBytes, formatBytesExact, formatCount, plural } from "@/lib/format";
import type { Summary, Totals } from "@/lib/uploads/summary";
import type { UploadRow } from "@/lib/uploads/types";
import { BucketChip } from "@/components/uploads/bucket-chip";
import { CleanupStatusStats } from "@/components/uploads/cleanup-status-stats";
import { RequestBill } from "@/components/uploads/request-bill";
import { MonthlyCostStat } from "@/components/uploads/monthly-cost-stat";
import type { StoragePrice } from "@/lib/money";
import { useNow } from "@/components/uploads/use-now";

function Stat({ label, totals, emphasis, testId }: { label: string; totals: Totals; emphasis?: boolean; testId: string }) {
  return (
    <div className="flex min-w-0 flex-col gap-0.5" data-testid={testId}>
      <span className="text-muted-foreground text-xs font-medium tracking-wide uppercase">
        {label}
      </span>
      <span className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 tabular-nums">
        <span>
          <span className={emphasis ? "text-xl font-semibold" : "text-lg font-medium"}>
            {formatCount(totals.uploads)}
          </span>{" "}
          <span className="text-muted-foreground text-sm">
            {totals.uploads === 1 ? "upload" : "uploads"}
          </span>
        </span>
        <span>
          <span className={emphasis ? "text-xl font-semibold" : "text-lg font-medium"}>
            {formatCount(totals.parts)}
          </span>{" "}
          <span className="text-muted-foreground text-sm">
            {totals.parts === 1 ? "part" : "parts"}
          </span>
        </span>
        <span title={formatBytesExact(totals.bytes)}>
          <span className={emphasis ? "text-xl font-semibold" : "text-lg font-medium"}>
            {formatBytes(totals.bytes)}
          </span>
        </span>
      </span>
    </div>
  );
}

/** Totals in view and overall, how fresh they are, and one chip per bucket. */
export function UploadsSummary({
  profileId,
  summary,
  storagePrice,
  monthlyCost,
  listedRows,
  listedAt,
  refreshing,
  selectedBucket,
  onSelectBucket,
  children,
}: {
  profileId: string;
  summary: Summary;
  storagePrice: StoragePrice;
  /** Per month, at the profile's storage price: the uploads in view, and all of them. */
  monthlyCost: { inView: number; total: number };
  /** The live listing's rows, for the "not caught by a lifecycle rule" figure. */
  listedRows: readonly UploadRow[];
  listedAt: string;
  refreshing: boolean;
  selectedBucket: string | null;
  onSelectBucket: (bucket: string | null) => void;
  /** Below the chips: the live region announcing abort results. */
  children?: ReactNode;
}) {
  const now = useNow(1000);
  const { inView, total } = summary;
  const filtered = inView.uploads !== total.uploads || inView.bytes !== total.bytes;
  return (
    <Card aria-label="Summary" className="flex flex-col gap-3 p-4">
      <div className="flex flex-wrap items-end gap-x-10 gap-y-3">
        <Stat label={filtered ? "In view" : "Incomplete uploads"} totals={inView} emphasis testId="held-in-view" />
        {filtered ? <Stat label="Still held in total" totals={total} testId="held-total" /> : null}
        <MonthlyCostStat
          price={storagePrice}
          inView={monthlyCost.inView}
          total={monthlyCost.total}
          filtered={filtered}
        />
        <CleanupStatusStats profileId={profileId} rows={listedRows} />
        <div className="text-muted-foreground ml-auto flex flex-col items-end gap-1 text-xs">
          <p data-testid="freshness">
            <span className="inline-flex items-center gap-1.5">
              <span
                aria-hidden
                className={
                  refreshing
                    ? "bg-primary size-1.5 animate-pulse rounded-full"
                    : "bg-success size-1.5 rounded-full"
                }
              />
              Listed {formatAgo(listedAt, now)}
            </span>
            {total.counting > 0 ? (
              <> · {plural(total.counting, "upload")} still being counted</>
            ) : null}
            {total.unreadable > 0 ? (
              <> · {plural(total.unreadable, "upload")} with unreadable parts</>
            ) : null}
          </p>
          <RequestBill profileId={profileId} />
        </div>
      </div>
      {summary.buckets.length > 0 ? (
        <ul
          aria-label="Buckets"
          className="-mx-1 flex gap-1.5 overflow-x-auto px-1 pb-0.5 sm:flex-wrap sm:overflow-visible"
        >
          {summary.buckets.map((chip) => (
            <li key={chip.bucket} className="max-w-full shrink-0 sm:shrink">
              <BucketChip
                chip={chip}
                selected={selectedBucket === chip.bucket}
                onSelect={onSelectBucket}
              />
            </li>
          ))}
        </ul>
      ) : null}
      {children}
    </Card>
  );
}
