import Link from "next/link";
import { useId } from "react";
import { Card } from "@/components/ui/card";
import { formatBytes, formatBytesExact, formatCount, formatDateTime } from "@/lib/format";

export interface BreakdownItem {
  id: string;
  name: string;
  /** Second line under the name (e.g. the profile of a bucket, the host of a profile). */
  detail?: string;
  /** The attempt list filtered to this item. */
  href: string;
  uploads: number;
  parts: number;
  bytes: number;
  attempts: number;
  needsAttention: number;
  lastReclaimedAt: string | null;
}

/** Storage reclaimed grouped by one dimension (bucket, profile, admin). */
export function BreakdownTable({
  title,
  nameHeader,
  items,
  compact = false,
}: {
  title: string;
  nameHeader: string;
  items: BreakdownItem[];
  /** Fewer columns, for a narrow column of the layout. */
  compact?: boolean;
}) {
  const titleId = useId();
  return (
    <Card aria-labelledby={titleId} className="flex min-w-0 flex-col">
      <h2 id={titleId} className="border-b border-border px-4 py-3 text-sm font-semibold">
        {title}
      </h2>
      <div className="overflow-x-auto">
        <table className="w-full text-sm">
          <caption className="sr-only">{title}</caption>
          <thead className="text-left text-xs text-muted-foreground">
            <tr className="border-b border-border">
              <th scope="col" className="w-full px-4 py-2 font-medium">
                {nameHeader}
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Uploads
              </th>
              {compact ? null : (
                <th scope="col" className="px-3 py-2 text-right font-medium max-sm:hidden">
                  Parts
                </th>
              )}
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Reclaimed
              </th>
              {compact ? null : (
                <>
                  <th scope="col" className="px-3 py-2 text-right font-medium max-md:hidden">
                    Attempts
                  </th>
                  <th scope="col" className="px-4 py-2 font-medium max-lg:hidden">
                    Last reclaimed
                  </th>
                </>
              )}
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} className="border-b border-border last:border-0 hover:bg-muted/50">
                <th scope="row" className="w-full max-w-0 px-4 py-2 text-left font-normal">
                  <Link href={item.href} className="block truncate font-medium hover:underline" title={item.name}>
                    {item.name}
                  </Link>
                  {item.detail ? <span className="block truncate text-xs text-muted-foreground">{item.detail}</span> : null}
                </th>
                <td className="px-3 py-2 text-right tabular-nums">{formatCount(item.uploads)}</td>
                {compact ? null : <td className="px-3 py-2 text-right tabular-nums max-sm:hidden">{formatCount(item.parts)}</td>}
                <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums" title={formatBytesExact(item.bytes)}>
                  {formatBytes(item.bytes)}
                </td>
                {compact ? null : (
                  <>
                    <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums max-md:hidden">
                      {formatCount(item.attempts)}
                      {item.needsAttention > 0 ? (
                        <span className="ml-1.5 text-xs text-warning" title="Failed, verify-failed, denied or unknown attempts">
                          ({formatCount(item.needsAttention)} to check)
                        </span>
                      ) : null}
                    </td>
                    <td className="px-4 py-2 whitespace-nowrap text-muted-foreground max-lg:hidden">{formatDateTime(item.lastReclaimedAt)}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
