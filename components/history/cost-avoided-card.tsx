import { useId } from "react";
import { Card } from "@/components/ui/card";
import { formatBytes, formatBytesExact } from "@/lib/format";
import { formatMoneyTotals, type MoneyTotals } from "@/lib/money";

/** What everything reclaimed would still cost per month, at each profile's storage price. */
export function CostAvoidedCard({ total, unpricedBytes }: { total: MoneyTotals; unpricedBytes: number }) {
  const titleId = useId();
  const priced = Object.keys(total).length > 0;
  return (
    <Card aria-labelledby={titleId} className="flex flex-col gap-1 p-4">
      <h2 id={titleId} className="text-xs font-medium tracking-wide text-muted-foreground uppercase">
        Cost avoided per month
      </h2>
      <p className="text-2xl font-semibold tracking-tight tabular-nums">{formatMoneyTotals(total)}</p>
      <p className="text-xs text-muted-foreground sm:text-sm">
        {priced ? "at each endpoint's storage price" : "no storage price is set for these endpoints"}
      </p>
      {priced && unpricedBytes > 0 ? (
        <p className="text-xs text-muted-foreground/80 tabular-nums" title={formatBytesExact(unpricedBytes)}>
          {formatBytes(unpricedBytes)} on endpoints without a price not included
        </p>
      ) : null}
    </Card>
  );
}
