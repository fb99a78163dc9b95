import { BUCKET_OVERVIEW_REFRESH_MS } from "@/components/buckets/queries";
import { Button } from "@/components/ui/button";
import { formatAgo, formatBytes, plural } from "@/lib/format";
import type { BucketOverview } from "@/lib/lifecycle-coverage";

/** The totals in one line, when they were listed, and a Refresh button. */
export function OverviewHeader({
  overview,
  now,
  refreshing,
  onRefresh,
}: {
  overview: BucketOverview;
  now: number;
  refreshing: boolean;
  onRefresh: () => void;
}) {
  return (
    <div className="text-muted-foreground flex flex-wrap items-center justify-between gap-2 text-xs">
      <p>
        {plural(overview.totals.uploads, "incomplete upload")} holding{" "}
        {formatBytes(overview.totals.bytes)} in {plural(overview.totals.buckets, "bucket")} · listed{" "}
        <time dateTime={overview.listedAt}>{formatAgo(overview.listedAt, now)}</time> · refreshes
        every {BUCKET_OVERVIEW_REFRESH_MS / 1000} s
      </p>
      <Button variant="outline" size="sm" onClick={onRefresh} disabled={refreshing}>
        {refreshing ? "Refreshing…" : "Refresh"}
      </Button>
    </div>
  );
}
