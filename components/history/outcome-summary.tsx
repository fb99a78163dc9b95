import Link from "next/link";
import { useId } from "react";
import { Card } from "@/components/ui/card";
import { historyHref } from "@/lib/ledger/filter-params";
import { OutcomeBadge } from "@/components/ui/outcome-badge";
import { OUTCOMES } from "@/lib/outcomes";
import type { LedgerOutcome, OutcomeCounts } from "@/lib/ledger/types";
import { formatCount, plural } from "@/lib/format";

const ORDER: LedgerOutcome[] = ["reclaimed", "already-gone", "gone-unknown", "verify-failed", "failed", "denied", "unknown"];

/** All-time attempts per outcome; each links to the attempt list filtered to it. */
export function OutcomeSummary({ outcomes, attempts }: { outcomes: OutcomeCounts; attempts: number }) {
  const titleId = useId();
  const attention = outcomes.failed + outcomes["verify-failed"] + outcomes.denied + outcomes.unknown;
  return (
    <Card aria-labelledby={titleId} className="flex flex-col gap-3 p-4">
      <div className="flex items-baseline justify-between gap-2">
        <h2 id={titleId} className="text-sm font-semibold">
          Attempts by outcome
        </h2>
        <span className="text-xs text-muted-foreground">{plural(attempts, "attempt")}, all time</span>
      </div>
      <ul className="flex flex-col divide-y divide-border text-sm">
        {ORDER.map((outcome) => (
          <li key={outcome} className="flex items-center justify-between gap-3 py-1.5">
            <Link
              href={historyHref({ outcome })}
              className="rounded-sm hover:underline"
              aria-label={`${OUTCOMES[outcome].label}: ${formatCount(outcomes[outcome])} — show these attempts`}
              title={OUTCOMES[outcome].hint}
            >
              <OutcomeBadge outcome={outcome} />
            </Link>
            <span className="tabular-nums">{formatCount(outcomes[outcome])}</span>
          </li>
        ))}
      </ul>
      {attention > 0 ? (
        <Link href={historyHref({ outcome: "needs-attention" })} className="text-sm font-medium text-warning hover:underline">
          {plural(attention, "attempt")} need{attention === 1 ? "s" : ""} attention →
        </Link>
      ) : (
        <p className="text-sm text-muted-foreground">Every attempt has a final outcome.</p>
      )}
    </Card>
  );
}
