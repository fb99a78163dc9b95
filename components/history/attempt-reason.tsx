import type { ReactNode } from "react";
import { OUTCOMES } from "@/lib/outcomes";
import type { LedgerEntry } from "@/lib/ledger/types";
import { cn } from "@/lib/utils";

/**
 * The error reason of an attempt (or the note a re-verification left on a reclaimed one),
 * with the row's action beside it. An unknown row without a message says what unknown means.
 */
export function AttemptReason({
  entry,
  action,
  placeholder = "—",
}: {
  entry: LedgerEntry;
  action?: ReactNode;
  /** Shown when there is neither a reason nor an action (null: nothing). */
  placeholder?: string | null;
}) {
  const isNote = entry.outcome === "reclaimed" || entry.outcome === "already-gone" || entry.outcome === "gone-unknown";
  const text = entry.errorMessage ?? (entry.outcome === "unknown" ? OUTCOMES.unknown.hint : null);
  if (!text && !action) return placeholder === null ? null : <span className="text-muted-foreground">{placeholder}</span>;
  return (
    <div className="flex flex-wrap items-start justify-between gap-x-3 gap-y-1.5">
      {text ? (
        <p
          className={cn(
            "min-w-[12rem] flex-1 text-xs leading-snug",
            isNote || !entry.errorMessage ? "text-muted-foreground" : "text-foreground",
          )}
        >
          {entry.errorCode && !isNote ? (
            <code className="mr-1 rounded bg-muted px-1 py-px font-mono text-[11px] text-muted-foreground">{entry.errorCode}</code>
          ) : null}
          {text}
        </p>
      ) : null}
      {action ? <div className="shrink-0">{action}</div> : null}
    </div>
  );
}
