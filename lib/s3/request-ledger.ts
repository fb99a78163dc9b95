import "server-only";
import { onS3Request, type S3RequestCause, type S3RequestEvent } from "@/lib/s3/request-events";

// The dashboard's own S3 bill: per profile, the requests Reclaim sent in the last hour, by
// operation and by cause, kept as one-minute buckets (at most 60 per profile, whatever the
// request rate). Fed by the request events every S3 client emits (lib/s3/client.ts).

const MINUTE_MS = 60_000;
const WINDOW_MINUTES = 60;

/** Operations S3 does not bill (DELETE and CANCEL requests are free on AWS S3). */
const FREE_OPERATIONS = new Set(["AbortMultipartUpload", "DeleteBucketLifecycle"]);

interface MinuteBucket {
  minute: number;
  /** "operation\u0000cause" → requests. */
  counts: Map<string, number>;
}

export interface RequestCount {
  operation: string;
  cause: S3RequestCause;
  requests: number;
}

export interface RequestBill {
  profileId: string;
  /** Start of the counted window (ISO): an hour ago, or when the server started if later. */
  since: string;
  requests: number;
  /** Requests S3 bills (everything but aborts and lifecycle deletes). */
  billableRequests: number;
  /** By operation and cause, most requests first. */
  counts: RequestCount[];
}

interface LedgerState {
  startedAt: number;
  profiles: Map<string, MinuteBucket[]>;
  unsubscribe: () => void;
}

// On globalThis, like the request listeners: Next.js may load this module more than once,
// and every copy must count into (and read from) one ledger.
const globalForLedger = globalThis as unknown as { reclaimRequestLedger?: LedgerState };

function record(state: LedgerState, event: S3RequestEvent): void {
  const minute = Math.floor(event.at / MINUTE_MS);
  let buckets = state.profiles.get(event.profileId);
  if (!buckets) {
    buckets = [];
    state.profiles.set(event.profileId, buckets);
  }
  let bucket = buckets.at(-1);
  if (!bucket || bucket.minute !== minute) {
    bucket = { minute, counts: new Map() };
    buckets.push(bucket);
    while (buckets.length > 0 && (buckets[0]?.minute ?? minute) <= minute - WINDOW_MINUTES) buckets.shift();
  }
  const key = `${event.operation}\u0000${event.cause}`;
  bucket.counts.set(key, (bucket.counts.get(key) ?? 0) + 1);
}

/** Starts counting (once per process; later calls do nothing). */
export function startRequestLedger(): void {
  if (globalForLedger.reclaimRequestLedger) return;
  const state: LedgerState = { startedAt: Date.now(), profiles: new Map(), unsubscribe: () => undefined };
  state.unsubscribe = onS3Request((event) => record(state, event));
  globalForLedger.reclaimRequestLedger = state;
}

startRequestLedger();

/** The profile's requests in the last hour (the current minute included). */
export function requestsLastHour(profileId: string, now = Date.now()): RequestBill {
  const state = globalForLedger.reclaimRequestLedger;
  const currentMinute = Math.floor(now / MINUTE_MS);
  const oldestMinute = currentMinute - WINDOW_MINUTES + 1;
  const totals = new Map<string, number>();
  for (const bucket of state?.profiles.get(profileId) ?? []) {
    if (bucket.minute < oldestMinute || bucket.minute > currentMinute) continue;
    for (const [key, count] of bucket.counts) totals.set(key, (totals.get(key) ?? 0) + count);
  }
  const counts: RequestCount[] = [...totals].map(([key, requests]) => {
    const [operation = "", cause = "other"] = key.split("\u0000");
    return { operation, cause: cause as S3RequestCause, requests };
  });
  counts.sort((a, b) => b.requests - a.requests || a.operation.localeCompare(b.operation));
  const requests = counts.reduce((sum, c) => sum + c.requests, 0);
  const billableRequests = counts.reduce((sum, c) => sum + (FREE_OPERATIONS.has(c.operation) ? 0 : c.requests), 0);
  const since = Math.max(oldestMinute * MINUTE_MS, state?.startedAt ?? now);
  return { profileId, since: new Date(since).toISOString(), requests, billableRequests, counts };
}
