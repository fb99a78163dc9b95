import { ITEM_HINT, ITEM_TONE } from "@/components/bulk/labels";
import { Badge } from "@/components/ui/badge";
import { OUTCOME_LABEL } from "@/lib/jobs/status";
import type { ItemState } from "@/lib/jobs/types";

export function ItemStateBadge({ state }: { state: ItemState }) {
  const label = state === "pending" ? "Pending" : state === "running" ? "Running" : OUTCOME_LABEL[state];
  return (
    <Badge tone={ITEM_TONE[state]} title={ITEM_HINT[state]}>
      {label}
    </Badge>
  );
}
