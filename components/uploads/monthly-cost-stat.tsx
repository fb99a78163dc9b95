import { formatMoney, formatUnitPrice, type StoragePrice } from "@/lib/money";

function priceNote(price: StoragePrice): string {
  const base = `${formatUnitPrice(price.perGiBMonth, price.currency)} per GiB-month`;
  const classes = Object.keys(price.byStorageClass).length;
  if (price.source === "aws-default") return `at AWS S3 list prices (Standard ${base})`;
  return classes > 0 ? `at ${base}, or its storage class's price` : `at ${base}`;
}

/**
 * What the incomplete uploads in view cost per month at the profile's storage price (each
 * upload at its storage class's price), or why there is no figure.
 */
export function MonthlyCostStat({
  price,
  inView,
  total,
  filtered,
}: {
  price: StoragePrice;
  /** Per month, the uploads in view whose parts are counted. */
  inView: number;
  /** Per month, every listed upload whose parts are counted. */
  total: number;
  filtered: boolean;
}) {
  const unpriced = price.source === "unset";
  return (
    <div className="flex min-w-0 flex-col gap-0.5" data-testid="monthly-cost">
      <span className="text-muted-foreground text-xs font-medium tracking-wide uppercase">
        Cost per month
      </span>
      <span className="flex flex-wrap items-baseline gap-x-2 tabular-nums">
        <span className="text-lg font-medium">{unpriced ? "—" : formatMoney(inView, price.currency)}</span>
        <span
          className="text-muted-foreground text-sm"
          title={
            unpriced
              ? "Set storagePrice (per GiB-month) in this endpoint's profile to see what its incomplete uploads cost."
              : undefined
          }
        >
          {unpriced
            ? "no storage price set for this endpoint"
            : filtered
              ? `of ${formatMoney(total, price.currency)} in total`
              : priceNote(price)}
        </span>
      </span>
    </div>
  );
}
