import { formatCount } from "@/lib/format";
import { OUTCOMES } from "@/lib/outcomes";
import type { ItemFilter, ItemOutcome, OutcomeCounts as Counts } from "@/lib/jobs/types";
import { cn } from "@/lib/utils";

const SHOWN: readonly ItemOutcome[] = ["reclaimed", "already-gone", "verify-failed", "denied", "failed", "skipped", "skipped-active", "not-attempted", "interrupted"];
/** Shown only when they happened, so the usual seven fit one row. */
const WHEN_ANY: readonly ItemOutcome[] = ["skipped-active", "interrupted"];

const TONE_CLASS = {
  neutral: "",
  info: "",
  success: "text-success",
  warning: "text-warning",
  danger: "text-destructive",
} as const;

/** Counts per outcome; each is a button that filters the item table to that outcome. */
export function OutcomeCounts({ counts, active, onSelect }: { counts: Counts; active: ItemFilter; onSelect: (filter: ItemFilter) => void }) {
  const shown = SHOWN.filter((o) => !WHEN_ANY.includes(o) || counts[o] > 0);
  return (
    <ul aria-label="Outcomes" className="grid grid-cols-2 gap-2 sm:grid-cols-4 xl:grid-cols-7">
      {shown.map((outcome) => {
        const n = counts[outcome];
        const selected = active === outcome;
        return (
          <li key={outcome}>
            <button
              type="button"
              aria-pressed={selected}
              title={OUTCOMES[outcome].hint}
              onClick={() => onSelect(selected ? "all" : outcome)}
              className={cn(
                "flex h-full w-full flex-col items-start justify-between gap-0.5 rounded-md border border-border bg-card px-3 py-2 text-left hover:bg-muted",
                selected && "border-primary bg-primary/5",
                n === 0 && "opacity-60",
              )}
            >
              <span className="text-xs text-muted-foreground">{OUTCOMES[outcome].label}</span>
              <span className={cn("text-lg font-semibold tabular-nums", n > 0 && TONE_CLASS[OUTCOMES[outcome].tone])} data-testid={`count-${outcome}`}>
                {formatCount(n)}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
