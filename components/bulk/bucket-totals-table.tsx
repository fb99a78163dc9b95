import { BodyRow, ColumnHeader, ScrollTable, TableHeader } from "@/components/ui/table";
import { formatBytes, formatBytesExact, formatCount, formatDateTime } from "@/lib/format";
import type { BucketTotals } from "@/lib/jobs/types";

/** Per-bucket dry-run numbers. */
export function BucketTotalsTable({ buckets, caption }: { buckets: BucketTotals[]; caption: string }) {
  return (
    <ScrollTable caption={caption}>
      <TableHeader className="border-b border-border uppercase">
        <tr>
          <ColumnHeader className="py-2 pr-3">Bucket</ColumnHeader>
          <ColumnHeader numeric className="px-2 py-2 sm:px-3">Uploads</ColumnHeader>
          <ColumnHeader numeric className="px-2 py-2 sm:px-3">Parts</ColumnHeader>
          <ColumnHeader numeric className="px-2 py-2 sm:px-3">Size</ColumnHeader>
          <ColumnHeader className="hidden px-3 py-2 sm:table-cell">Oldest</ColumnHeader>
          <ColumnHeader className="hidden py-2 pl-3 sm:table-cell">Newest</ColumnHeader>
        </tr>
      </TableHeader>
      <tbody>
        {buckets.map((b) => (
          <BodyRow key={b.bucket}>
            <th scope="row" className="max-w-[9rem] truncate py-2 pr-2 text-left sm:max-w-[16rem] sm:pr-3 font-mono text-xs font-normal" title={b.bucket}>
              {b.bucket}
            </th>
            <td className="px-2 py-2 text-right tabular-nums sm:px-3">{formatCount(b.count)}</td>
            <td className="px-2 py-2 text-right tabular-nums sm:px-3">
              {formatCount(b.parts)}
              {b.partsUnknown > 0 ? <span className="text-muted-foreground"> +?</span> : null}
            </td>
            <td className="py-2 pl-2 text-right whitespace-nowrap tabular-nums sm:px-3" title={formatBytesExact(b.bytes)}>
              {formatBytes(b.bytes)}
            </td>
            <td className="hidden px-3 py-2 text-xs whitespace-nowrap text-muted-foreground tabular-nums sm:table-cell">{formatDateTime(b.oldestInitiated)}</td>
            <td className="hidden py-2 pl-3 text-xs whitespace-nowrap text-muted-foreground tabular-nums sm:table-cell">{formatDateTime(b.newestInitiated)}</td>
          </BodyRow>
        ))}
      </tbody>
    </ScrollTable>
  );
}
