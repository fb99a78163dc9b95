import "server-only";
import { DEFAULT_LIST_REQUEST_PRICE_PER_1000, type Profile } from "@/lib/profiles";
import { requestsLastHour, type RequestCount } from "@/lib/s3/request-ledger";
import type { RequestBillView } from "@/lib/uploads/types";

// The uploads page's "N S3 requests in the last hour, ≈ $X". Every billable request is
// priced at the profile's LIST price: the dashboard's requests are almost all LIST-class
// (ListParts, ListMultipartUploads, ListBuckets); the few lifecycle GETs cost less on AWS,
// so the estimate is an upper bound.

/** Requests summed by one field, most first. */
function sumBy(counts: readonly RequestCount[], field: "cause" | "operation"): [string, number][] {
  const sums = new Map<string, number>();
  for (const count of counts) sums.set(count[field], (sums.get(count[field]) ?? 0) + count.requests);
  return [...sums].sort((a, b) => b[1] - a[1]);
}

export function requestBill(profile: Profile, now = Date.now()): RequestBillView {
  const hour = requestsLastHour(profile.id, now);
  const pricePer1000 = profile.listRequestPricePer1000 ?? DEFAULT_LIST_REQUEST_PRICE_PER_1000;
  return {
    since: hour.since,
    requests: hour.requests,
    billableRequests: hour.billableRequests,
    pricePer1000,
    estimatedCost: (hour.billableRequests / 1000) * pricePer1000,
    byCause: sumBy(hour.counts, "cause").map(([cause, requests]) => ({ cause, requests })),
    byOperation: sumBy(hour.counts, "operation").map(([operation, requests]) => ({ operation, requests })),
  };
}
