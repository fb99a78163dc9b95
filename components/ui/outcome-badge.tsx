import { Badge } from "@/components/ui/badge";
import { OUTCOMES, type Outcome } from "@/lib/outcomes";

/** An attempt's or a bulk item's outcome: the same badge on every page. */
export function OutcomeBadge({ outcome }: { outcome: Outcome }) {
  const { label, tone, hint } = OUTCOMES[outcome];
  return (
    <Badge tone={tone} title={hint}>
      {label}
    </Badge>
  );
}
