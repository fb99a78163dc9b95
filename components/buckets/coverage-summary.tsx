import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { formatBytes, formatBytesExact, formatCount, plural } from "@/lib/format";
import type { CoverageTotals } from "@/lib/lifecycle-coverage";
import type { BucketOverview } from "@/lib/lifecycle-coverage";
import { cn } from "@/lib/utils";

function uncountedNote(totals: CoverageTotals): string {
  return totals.uncounted > 0 ? ` · ${formatCount(totals.uncounted)} still being counted` : "";
}

function Stat({
  label,
  value,
  valueTitle,
  tone = "neutral",
  className,
  children,
}: {
  label: string;
  value: string;
  valueTitle?: string;
  tone?: "neutral" | "warning" | "success" | "danger";
  className?: string;
  children: ReactNode;
}) {
  return (
    <Card
      className={cn(
        "flex flex-col gap-1 p-3 sm:p-4",
        className,
        tone === "warning" && "border-warning/40 bg-warning/5",
        tone === "danger" && "border-destructive/30 bg-destructive/5",
      )}
    >
      <h2 className="text-muted-foreground text-xs font-medium tracking-wide uppercase">{label}</h2>
      <p
        title={valueTitle}
        className={cn(
          "text-xl font-semibold tabular-nums sm:text-2xl",
          tone === "warning" && "text-warning",
          tone === "success" && "text-success",
          tone === "danger" && "text-destructive",
        )}
      >
        {value}
      </p>
      <p className="text-muted-foreground text-xs">{children}</p>
    </Card>
  );
}

/** The headline: bytes held by uploads that no lifecycle rule would abort. */
export function CoverageSummary({ overview }: { overview: BucketOverview }) {
  const { totals } = overview;
  const uncoveredBuckets = overview.buckets.filter((b) => b.coverage.uncovered.uploads > 0).length;
  return (
    <section aria-label="Lifecycle coverage" className="grid grid-cols-2 gap-3 xl:grid-cols-4">
      <Stat
        label="Not caught by any rule"
        value={formatBytes(totals.uncovered.bytes)}
        valueTitle={formatBytesExact(totals.uncovered.bytes)}
        tone={totals.uncovered.uploads > 0 ? "warning" : "success"}
        className="max-sm:col-span-2"
      >
        {totals.uncovered.uploads > 0
          ? `${plural(totals.uncovered.uploads, "upload")} in ${plural(uncoveredBuckets, "bucket")} stay until someone aborts them${uncountedNote(totals.uncovered)}`
          : "Every incomplete upload is caught by an abort rule"}
      </Stat>
      <Stat
        label="Caught by abort rules"
        value={formatBytes(totals.covered.bytes)}
        valueTitle={formatBytesExact(totals.covered.bytes)}
      >
        {plural(totals.covered.uploads, "upload")} will be aborted by the storage service
        {uncountedNote(totals.covered)}
      </Stat>
      <Stat
        label="Buckets with an abort rule"
        value={`${formatCount(totals.protectedBuckets)} of ${formatCount(totals.buckets)}`}
        tone={totals.protectedBuckets < totals.buckets ? "warning" : "success"}
      >
        {totals.buckets - totals.protectedBuckets > 0
          ? `${plural(totals.buckets - totals.protectedBuckets, "bucket")} without an active rule`
          : "Every bucket aborts stale uploads by itself"}
      </Stat>
      <Stat
        label="Lifecycle unreadable"
        value={
          totals.unknown.uploads > 0
            ? formatBytes(totals.unknown.bytes)
            : formatCount(totals.unreadableBuckets)
        }
        valueTitle={totals.unknown.uploads > 0 ? formatBytesExact(totals.unknown.bytes) : undefined}
        tone={totals.unreadableBuckets > 0 ? "danger" : "neutral"}
        // On a phone an all-clear here is not worth the space.
        className={cn(
          "max-sm:col-span-2",
          totals.unreadableBuckets === 0 && totals.unknown.uploads === 0 && "max-sm:hidden",
        )}
      >
        {totals.unreadableBuckets > 0
          ? `${plural(totals.unreadableBuckets, "bucket")} whose rules cannot be read; ${plural(totals.unknown.uploads, "upload")} there of unknown coverage`
          : "All buckets' lifecycle rules could be read"}
      </Stat>
    </section>
  );
}
