import { useId } from "react";
import { Card } from "@/components/ui/card";
import type { DayPoint } from "@/lib/ledger/types";
import { formatBytes, formatBytesExact, plural } from "@/lib/format";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2026-05-01" → "May 1" (no locale APIs: server and browser render the same text). */
function shortDay(day: string): string {
  const [, month, date] = day.split("-");
  return `${MONTHS[Number(month) - 1] ?? month} ${Number(date)}`;
}

/**
 * Bytes reclaimed per UTC day as plain bars. Each bar is a list item whose text (hidden
 * visually) reads the day and its numbers, so screen readers get the data, not a picture.
 */
export function DailyChart({ points }: { points: DayPoint[] }) {
  const titleId = useId();
  const max = Math.max(0, ...points.map((p) => p.bytes));
  const total = points.reduce((sum, p) => sum + p.bytes, 0);
  const first = points[0];
  const last = points[points.length - 1];
  const middle = points[Math.floor(points.length / 2)];

  return (
    <Card aria-labelledby={titleId} className="flex h-full flex-col gap-3 p-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={titleId} className="text-sm font-semibold">
          Reclaimed per day <span className="font-normal text-muted-foreground">· last {points.length} days, UTC</span>
        </h2>
        <p className="text-xs text-muted-foreground tabular-nums">
          {formatBytes(total)} in {points.length} days · peak {formatBytes(max)}
        </p>
      </div>
      <div className="flex gap-2">
        <div aria-hidden className="flex w-14 shrink-0 flex-col justify-between pb-5 text-right text-[11px] text-muted-foreground tabular-nums">
          <span>{formatBytes(max)}</span>
          <span>0</span>
        </div>
        <div className="min-w-0 flex-1">
          <ol
            aria-label={`Bytes reclaimed per day, ${first ? shortDay(first.day) : ""} to ${last ? shortDay(last.day) : ""} (UTC)`}
            className="flex h-40 items-end gap-[2px] border-b border-l border-border pl-[2px] lg:h-52"
          >
            {points.map((point) => {
              const pct = max > 0 ? (point.bytes / max) * 100 : 0;
              const label = `${point.day}: ${formatBytes(point.bytes)} reclaimed (${formatBytesExact(point.bytes)}), ${plural(point.uploads, "upload")}`;
              return (
                <li key={point.day} className="group relative flex h-full min-w-0 flex-1 items-end" title={label}>
                  <span className="sr-only">{label}</span>
                  <span
                    aria-hidden
                    className={
                      point.bytes > 0
                        ? "w-full rounded-t-sm bg-primary/80 transition-colors group-hover:bg-primary"
                        : "w-full bg-transparent"
                    }
                    style={{ height: point.bytes > 0 ? `max(${pct}%, 3px)` : 0 }}
                  />
                </li>
              );
            })}
          </ol>
          <div aria-hidden className="mt-1 flex justify-between text-[11px] text-muted-foreground">
            <span>{first ? shortDay(first.day) : ""}</span>
            <span className="hidden sm:inline">{middle ? shortDay(middle.day) : ""}</span>
            <span>{last ? shortDay(last.day) : ""}</span>
          </div>
        </div>
      </div>
    </Card>
  );
}
