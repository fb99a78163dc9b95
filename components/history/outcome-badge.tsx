import { Badge } from "@/components/ui/badge";
import { OUTCOME_HINTS, OUTCOME_LABELS, OUTCOME_TONES } from "@/components/history/outcome-labels";
import type { LedgerOutcome } from "@/lib/ledger/types";

export function OutcomeBadge({ outcome }: { outcome: LedgerOutcome }) {
  return (
    <Badge tone={OUTCOME_TONES[outcome]} title={OUTCOME_HINTS[outcome]}>
      {OUTCOME_LABELS[outcome]}
    </Badge>
  );
}
