import type { StoragePrice } from "@/lib/money";

// What the browser may know about an endpoint profile (lib/profiles.ts holds the rest,
// credentials included, on the server).

export interface PublicProfile {
  id: string;
  label: string;
  endpointHost: string;
  buckets: string[] | null;
  /** Per GiB-month, for the cost figures (lib/money.ts); not a secret. */
  storagePrice: StoragePrice;
}
