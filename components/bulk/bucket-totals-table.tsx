import { formatBytes, formatBytesExact, formatCount, formatDateTime } from "@/lib/format";
import type { BucketTotals } from "@/lib/jobs/types";

/** Per-bucket dry-run numbers. */
export function BucketTotalsTable({ buckets, caption }: { buckets: BucketTotals[]; caption: string }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-border text-left text-xs text-muted-foreground uppercase">
          <tr>
            <th scope="col" className="py-2 pr-3 font-medium">Bucket</th>
            <th scope="col" className="px-2 py-2 text-right font-medium sm:px-3">Uploads</th>
            <th scope="col" className="px-2 py-2 text-right font-medium sm:px-3">Parts</th>
            <th scope="col" className="px-2 py-2 text-right font-medium sm:px-3">Size</th>
            <th scope="col" className="hidden px-3 py-2 font-medium sm:table-cell">Oldest</th>
            <th scope="col" className="hidden py-2 pl-3 font-medium sm:table-cell">Newest</th>
          </tr>
        </thead>
        <tbody>
          {buckets.map((b) => (
            <tr key={b.bucket} className="border-b border-border last:border-0">
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
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
