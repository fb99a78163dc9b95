// What storage costs: a profile's price per GiB-month (per storage class where it matters),
// and what incomplete uploads cost, or what reclaiming them saves, per month. Plain and
// pure: the server (metrics, history) and the browser (uploads header) use the same rules.

/** A profile's storage price, with the defaults applied (see resolveStoragePrice). */
export interface StoragePrice {
  /** ISO 4217 code, e.g. "USD". */
  currency: string;
  /** Per GiB-month, for uploads of a storage class not listed in `byStorageClass`. */
  perGiBMonth: number;
  /** Per GiB-month by S3 storage class (e.g. "STANDARD_IA"). */
  byStorageClass: Record<string, number>;
  /** Where the numbers come from: the profile, AWS's published prices, or nobody (0). */
  source: "profile" | "aws-default" | "unset";
}

/** What a profile may configure (lib/profiles.ts validates it). */
export interface StoragePriceSetting {
  currency: string;
  perGiBMonth: number;
  byStorageClass: Record<string, number>;
}

/**
 * AWS S3's published storage prices, USD per GB-month (AWS bills storage in binary GB),
 * US East (N. Virginia), first 50 TB tier. Parts of an incomplete upload are billed like
 * objects of the upload's storage class.
 */
export const AWS_STORAGE_PRICES: Readonly<Record<string, number>> = {
  STANDARD: 0.023,
  INTELLIGENT_TIERING: 0.023,
  STANDARD_IA: 0.0125,
  ONEZONE_IA: 0.01,
  GLACIER_IR: 0.004,
  GLACIER: 0.0036,
  DEEP_ARCHIVE: 0.00099,
};

const GIB = 1024 ** 3;

/** An AWS S3 endpoint (s3.amazonaws.com, s3.eu-west-1.amazonaws.com…); not AWS China (other prices). */
export function isAwsEndpoint(host: string): boolean {
  return /(^|\.)amazonaws\.com$/i.test(host.replace(/:\d+$/, ""));
}

/**
 * The price a profile uses: its own setting when it has one; else AWS's published prices for
 * an AWS endpoint; else 0 (a self-hosted or other provider's endpoint, until the admin sets one).
 */
export function resolveStoragePrice(setting: StoragePriceSetting | undefined, endpointHost: string): StoragePrice {
  if (setting) return { ...setting, byStorageClass: { ...setting.byStorageClass }, source: "profile" };
  if (isAwsEndpoint(endpointHost)) {
    return {
      currency: "USD",
      perGiBMonth: AWS_STORAGE_PRICES.STANDARD ?? 0,
      byStorageClass: { ...AWS_STORAGE_PRICES },
      source: "aws-default",
    };
  }
  return { currency: "USD", perGiBMonth: 0, byStorageClass: {}, source: "unset" };
}

/** Per GiB-month for an upload of this storage class (no class = the profile's default). */
export function pricePerGiBMonth(price: StoragePrice, storageClass: string | null): number {
  if (storageClass !== null && Object.hasOwn(price.byStorageClass, storageClass)) {
    return price.byStorageClass[storageClass] ?? price.perGiBMonth;
  }
  return price.perGiBMonth;
}

/** What `bytes` cost per month at `perGiBMonth`. */
export function monthlyCost(bytes: number, perGiBMonth: number): number {
  return (bytes / GIB) * perGiBMonth;
}

/** The fields of an upload row that its cost needs (UploadRow fits). */
export interface PricedRow {
  storageClass: string | null;
  /** Null while the upload's parts are not counted: it adds nothing yet. */
  partsInfo: { bytes: number } | null;
}

/** What these uploads cost per month: each one's bytes at its storage class's price. */
export function monthlyCostOfRows(rows: readonly PricedRow[], price: StoragePrice): number {
  let total = 0;
  for (const row of rows) {
    if (row.partsInfo) total += monthlyCost(row.partsInfo.bytes, pricePerGiBMonth(price, row.storageClass));
  }
  return total;
}

/**
 * "$0.42", "$12.30", "$0.0016", "$0.000011". Cents for amounts of a cent or more; smaller
 * amounts keep two significant digits, so a fraction of a cent is not shown as "$0.00".
 */
export function formatMoney(amount: number, currency: string): string {
  if (!Number.isFinite(amount)) return "—";
  const abs = Math.abs(amount);
  const format = (options: Intl.NumberFormatOptions) =>
    new Intl.NumberFormat("en-US", { style: "currency", currency, ...options }).format(amount);
  if (abs === 0) return format({ minimumFractionDigits: 2, maximumFractionDigits: 2 });
  if (abs < 0.01) return format({ maximumSignificantDigits: 2 });
  return format({ minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** A unit price as configured, every significant decimal kept: "$0.023", "$0.00099", "$1.50". */
export function formatUnitPrice(amount: number, currency: string): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency, minimumFractionDigits: 2, maximumFractionDigits: 6 }).format(amount);
}

/** An amount per month in one currency. */
export interface MonthlyAmount {
  perMonth: number;
  currency: string;
}

/** Amounts per currency (profiles may be priced in different currencies). */
export type MoneyTotals = Record<string, number>;

export function addMoney(totals: MoneyTotals, currency: string, amount: number): MoneyTotals {
  return { ...totals, [currency]: (Object.hasOwn(totals, currency) ? (totals[currency] ?? 0) : 0) + amount };
}

/** "$1.20" or "$1.20 + €0.40"; `empty` when there is nothing. */
export function formatMoneyTotals(totals: MoneyTotals, empty = "—"): string {
  const parts = Object.entries(totals).map(([currency, amount]) => formatMoney(amount, currency));
  return parts.length > 0 ? parts.join(" + ") : empty;
}
