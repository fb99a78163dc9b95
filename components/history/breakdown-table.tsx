import Link from "next/link";
import { useId } from "react";
import { Card } from "@/components/ui/card";
import { BodyRow, ColumnHeader, ScrollTable, TableHeader } from "@/components/ui/table";
import { formatBytes, formatBytesExact, formatCount, formatDateTime } from "@/lib/format";
import { formatMoney, type MonthlyAmount } from "@/lib/money";

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
  /** What the reclaimed bytes would cost per month; null when the profile has no price. */
  costAvoided?: MonthlyAmount | null;
}

/** Storage reclaimed grouped by one dimension (bucket, profile, admin). */
export function BreakdownTable({
  title,
  nameHeader,
  items,
  compact = false,
  showCost = false,
}: {
  title: string;
  nameHeader: string;
  items: BreakdownItem[];
  /** Fewer columns, for a narrow column of the layout. */
  compact?: boolean;
  /** A "saved per month" column (items carry costAvoided). */
  showCost?: boolean;
}) {
  const titleId = useId();
  return (
    <Card aria-labelledby={titleId} className="flex min-w-0 flex-col">
      <h2 id={titleId} className="border-b border-border px-4 py-3 text-sm font-semibold">
        {title}
      </h2>
      <ScrollTable caption={title}>
        <TableHeader>
          <tr className="border-b border-border">
            <ColumnHeader className="w-full px-4 py-2">{nameHeader}</ColumnHeader>
            <ColumnHeader numeric className="px-3 py-2">
              Uploads
            </ColumnHeader>
            {compact ? null : (
              <ColumnHeader numeric className="px-3 py-2 max-sm:hidden">
                Parts
              </ColumnHeader>
            )}
            <ColumnHeader numeric className="px-3 py-2">
              Reclaimed
            </ColumnHeader>
            {showCost ? (
              <ColumnHeader numeric className="px-3 py-2 whitespace-nowrap">
                Saved / month
              </ColumnHeader>
            ) : null}
            {compact ? null : (
              <>
                <ColumnHeader numeric className="px-3 py-2 max-md:hidden">
                  Attempts
                </ColumnHeader>
                <ColumnHeader className="px-4 py-2 max-lg:hidden">Last reclaimed</ColumnHeader>
              </>
            )}
          </tr>
        </TableHeader>
        <tbody>
          {items.map((item) => (
            <BodyRow key={item.id} className="hover:bg-muted/50">
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
              {showCost ? (
                <td
                  className="px-3 py-2 text-right whitespace-nowrap tabular-nums"
                  title={item.costAvoided ? undefined : "No storage price is set for this endpoint's profile."}
                >
                  {item.costAvoided ? formatMoney(item.costAvoided.perMonth, item.costAvoided.currency) : "—"}
                </td>
              ) : null}
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
            </BodyRow>
          ))}
        </tbody>
      </ScrollTable>
    </Card>
  );
}
