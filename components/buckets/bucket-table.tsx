import type { ReactNode } from "react";
import {
  HeldBytes,
  NotCaught,
  UploadsCount,
  isUnprotected,
} from "@/components/buckets/bucket-cells";
import { LifecycleStatus } from "@/components/buckets/lifecycle-status";
import { Card } from "@/components/ui/card";
import { BodyRow, ColumnHeader, ScrollTable, TableHeader } from "@/components/ui/table";
import { formatAge, formatDateTime } from "@/lib/format";
import type { BucketOverviewRow } from "@/lib/lifecycle-coverage";
import { cn } from "@/lib/utils";

/** The buckets on wide screens: one row per bucket. */
export function BucketTable({
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
    <Card className="hidden overflow-hidden md:block">
      <ScrollTable caption="Buckets: incomplete uploads and the lifecycle rules that abort them">
        <TableHeader className="border-border bg-muted/50 border-b uppercase">
          <tr>
            <ColumnHeader className="px-4 py-2.5">Bucket</ColumnHeader>
            <ColumnHeader numeric className="px-4 py-2.5">
              Uploads
            </ColumnHeader>
            <ColumnHeader numeric className="px-4 py-2.5">
              Held
            </ColumnHeader>
            <ColumnHeader numeric className="px-4 py-2.5">
              Oldest
            </ColumnHeader>
            <ColumnHeader className="px-4 py-2.5">Abort rule</ColumnHeader>
            <ColumnHeader numeric className="px-4 py-2.5">
              Not caught
            </ColumnHeader>
            {actions ? (
              <ColumnHeader className="px-4 py-2.5">
                <span className="sr-only">Actions</span>
              </ColumnHeader>
            ) : null}
          </tr>
        </TableHeader>
        <tbody>
          {rows.map((row) => (
            <BodyRow
              key={row.bucket}
              className={cn("align-top", isUnprotected(row) && row.uploads > 0 && "bg-warning/5")}
            >
              <td
                className={cn(
                  "border-l-[3px] border-l-transparent py-3 pr-4 pl-[13px] font-mono text-[0.8rem] break-all",
                  isUnprotected(row) && row.uploads > 0 && "border-l-warning",
                )}
              >
                {row.bucket}
              </td>
              <td className="px-4 py-3 text-right">
                <UploadsCount row={row} />
              </td>
              <td className="px-4 py-3 text-right">
                <HeldBytes row={row} />
              </td>
              <td
                className="px-4 py-3 text-right whitespace-nowrap tabular-nums"
                title={formatDateTime(row.oldestInitiated)}
              >
                {formatAge(row.oldestInitiated, now)}
              </td>
              <td className="px-4 py-3">
                <LifecycleStatus lifecycle={row.lifecycle} />
              </td>
              <td className="px-4 py-3 text-right">
                <NotCaught row={row} />
              </td>
              {actions ? <td className="px-4 py-3 text-right">{actions(row)}</td> : null}
            </BodyRow>
          ))}
        </tbody>
      </ScrollTable>
    </Card>
  );
}
