import Link from "next/link";
import { historyHref } from "@/lib/ledger/filter-params";
import type { AttemptPage, HistoryFilter } from "@/lib/ledger/types";
import { formatCount } from "@/lib/format";

const link = "inline-flex h-8 items-center rounded-md border border-border bg-card px-3 text-sm font-medium hover:bg-muted";
const disabled = "inline-flex h-8 items-center rounded-md border border-border px-3 text-sm text-muted-foreground/60";

export function Pager({ filter, data }: { filter: HistoryFilter; data: AttemptPage }) {
  const first = data.total === 0 ? 0 : (data.page - 1) * data.pageSize + 1;
  const last = Math.min(data.total, data.page * data.pageSize);
  return (
    <nav aria-label="Attempt pages" className="flex flex-wrap items-center justify-between gap-3 px-4 py-3 text-sm">
      <p className="text-muted-foreground tabular-nums">
        {formatCount(first)}–{formatCount(last)} of {formatCount(data.total)}
      </p>
      {data.pageCount > 1 ? (
        <div className="flex items-center gap-2">
          {data.page > 1 ? (
            <Link href={historyHref(filter, data.page - 1)} scroll={false} className={link}>
              Previous
            </Link>
          ) : (
            <span className={disabled} aria-disabled="true">Previous</span>
          )}
          <span className="text-muted-foreground tabular-nums">
            Page {data.page} of {data.pageCount}
          </span>
          {data.page < data.pageCount ? (
            <Link href={historyHref(filter, data.page + 1)} scroll={false} className={link}>
              Next
            </Link>
          ) : (
            <span className={disabled} aria-disabled="true">Next</span>
          )}
        </div>
      ) : null}
    </nav>
  );
}
