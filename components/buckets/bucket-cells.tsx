import { Badge } from "@/components/ui/badge";
import { formatBytes, formatBytesExact, formatCount, plural } from "@/lib/format";
import { hasAbortingRule, type BucketOverviewRow } from "@/lib/lifecycle-coverage";

// What the buckets table and the narrow-screen cards both show for one bucket.

/** A bucket whose rules were read and none aborts uploads. */
export function isUnprotected(row: BucketOverviewRow): boolean {
  return (
    (row.lifecycle.status === "none" || row.lifecycle.status === "rules") &&
    !hasAbortingRule(row.lifecycle)
  );
}

export function UploadsCount({ row }: { row: BucketOverviewRow }) {
  if (row.listError) {
    return (
      <span className="flex flex-col items-start gap-1">
        <Badge tone="danger">
          {row.uploads > 0 ? `${formatCount(row.uploads)}+ (incomplete)` : "Cannot list"}
        </Badge>
        <span className="text-muted-foreground max-w-56 text-xs">{row.listError.message}</span>
      </span>
    );
  }
  return <span className="tabular-nums">{formatCount(row.uploads)}</span>;
}

export function HeldBytes({ row }: { row: BucketOverviewRow }) {
  return (
    <span className="flex flex-col">
      <span className="tabular-nums" title={formatBytesExact(row.bytes)}>
        {row.uploads === 0 ? "—" : formatBytes(row.bytes)}
      </span>
      {row.uncounted > 0 ? (
        <span className="text-muted-foreground text-xs">
          {formatCount(row.uncounted)} counting…
        </span>
      ) : null}
    </span>
  );
}

export function NotCaught({ row }: { row: BucketOverviewRow }) {
  const { uncovered, unknown } = row.coverage;
  if (unknown.uploads > 0)
    return (
      <span className="text-muted-foreground" title="The bucket's lifecycle rules cannot be read">
        Unknown
      </span>
    );
  if (uncovered.uploads === 0)
    return <span className="text-muted-foreground">{row.uploads === 0 ? "—" : "None"}</span>;
  return (
    <span className="flex flex-col">
      <span
        className="text-warning font-medium tabular-nums"
        title={formatBytesExact(uncovered.bytes)}
      >
        {formatBytes(uncovered.bytes)}
      </span>
      <span className="text-muted-foreground text-xs">{plural(uncovered.uploads, "upload")}</span>
    </span>
  );
}
