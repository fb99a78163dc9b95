import type { ReactNode } from "react";
import { HeldBytes, UploadsCount, isUnprotected } from "@/components/buckets/bucket-cells";
import { LifecycleStatus } from "@/components/buckets/lifecycle-status";
import { Card } from "@/components/ui/card";
import { formatAge, formatBytes, plural } from "@/lib/format";
import type { BucketOverviewRow } from "@/lib/lifecycle-coverage";
import { cn } from "@/lib/utils";

/** The buckets on narrow screens: one card per bucket. */
export function BucketCards({
  rows,
  now,
  actions,
}: {
  rows: readonly BucketOverviewRow[];
  now: number;
  /** The rule buttons for a bucket; omitted for those who cannot edit. */
  actions?: (row: BucketOverviewRow) => ReactNode;
}) {
  return (
    <ul aria-label="Buckets" className="flex flex-col gap-3 md:hidden">
      {rows.map((row) => (
        <li key={row.bucket}>
          <Card
            className={cn(
              "flex flex-col gap-3 p-4",
              isUnprotected(row) && row.uploads > 0 && "border-warning/50 bg-warning/5",
            )}
            aria-label={`Bucket ${row.bucket}`}
          >
            <div className="flex items-start justify-between gap-3">
              <h3 className="font-mono text-sm font-medium break-all">{row.bucket}</h3>
              {actions ? <div className="shrink-0">{actions(row)}</div> : null}
            </div>
            <dl className="grid grid-cols-3 gap-2 text-sm">
              <div>
                <dt className="text-muted-foreground text-xs">Uploads</dt>
                <dd>
                  <UploadsCount row={row} />
                </dd>
              </div>
              <div>
                <dt className="text-muted-foreground text-xs">Held</dt>
                <dd>
                  <HeldBytes row={row} />
                </dd>
              </div>
              <div>
                <dt className="text-muted-foreground text-xs">Oldest</dt>
                <dd className="tabular-nums">{formatAge(row.oldestInitiated, now)}</dd>
              </div>
            </dl>
            <div className="flex flex-col gap-1 text-sm">
              <p className="text-muted-foreground text-xs">Abort rule</p>
              <LifecycleStatus lifecycle={row.lifecycle} />
            </div>
            {row.coverage.uncovered.uploads > 0 ? (
              <p className="text-sm">
                Not caught:{" "}
                <span className="text-warning font-medium">
                  {formatBytes(row.coverage.uncovered.bytes)}
                </span>{" "}
                <span className="text-muted-foreground">
                  in {plural(row.coverage.uncovered.uploads, "upload")}
                </span>
              </p>
            ) : null}
          </Card>
        </li>
      ))}
    </ul>
  );
}
