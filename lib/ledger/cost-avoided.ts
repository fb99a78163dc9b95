import "server-only";
import { historyOverview } from "@/lib/ledger/history";
import type { HistoryOverview, LedgerEntry, PricedHistoryOverview } from "@/lib/ledger/types";
import { addMoney, monthlyCost, type MoneyTotals, type MonthlyAmount, type StoragePrice } from "@/lib/money";
import { loadProfiles, storagePriceOf } from "@/lib/profiles";

// What reclaiming saves: the reclaimed bytes would otherwise still be billed every month, at
// the profile's storage price. The ledger does not record storage classes, so reclaimed bytes
// are priced at the profile's default price per GiB-month (STANDARD for AWS's list prices).

/** The price of each configured profile that has one; null for the others. */
export function profilePrices(): (profileId: string) => StoragePrice | null {
  let profiles: ReturnType<typeof loadProfiles>;
  try {
    profiles = loadProfiles();
  } catch {
    return () => null; // an unreadable profiles file prices nothing; the page still shows bytes
  }
  return (profileId) => {
    const profile = profiles.get(profileId);
    if (!profile) return null;
    const price = storagePriceOf(profile);
    return price.source === "unset" ? null : price;
  };
}

function avoided(bytes: number, price: StoragePrice | null): MonthlyAmount | null {
  return price ? { perMonth: monthlyCost(bytes, price.perGiBMonth), currency: price.currency } : null;
}

/** The history overview with the monthly cost avoided per bucket, per profile and in total. */
export async function pricedHistoryOverview(given?: HistoryOverview): Promise<PricedHistoryOverview> {
  const overview = given ?? (await historyOverview());
  const priceOf = profilePrices();
  let total: MoneyTotals = {};
  let unpricedBytes = 0;
  const byBucket = overview.byBucket.map((row) => {
    const costAvoided = avoided(row.bytes, priceOf(row.profileId));
    if (costAvoided) total = addMoney(total, costAvoided.currency, costAvoided.perMonth);
    else unpricedBytes += row.bytes;
    return { ...row, costAvoided };
  });
  const byProfile = overview.byProfile.map((row) => ({ ...row, costAvoided: avoided(row.bytes, priceOf(row.profileId)) }));
  return { ...overview, byBucket, byProfile, costAvoided: { total, unpricedBytes } };
}

/** For the CSV: what one attempt saves per month (reclaimed rows of priced profiles only). */
export function attemptCostAvoided(entry: LedgerEntry, priceOf: (profileId: string) => StoragePrice | null): MonthlyAmount | null {
  if (entry.outcome !== "reclaimed") return null;
  return avoided(entry.bytesBefore, priceOf(entry.profileId));
}
