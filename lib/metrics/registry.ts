import "server-only";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { ledgerCounters } from "@/lib/ledger/history";
import { bucketGauges } from "@/lib/metrics/inventory-gauges";
import { caughtByPolicy } from "@/lib/policies/coverage";
import { catchingPolicies } from "@/lib/policies/store";
import { loadProfiles, storagePriceOf } from "@/lib/profiles";
import { onS3Request } from "@/lib/s3/request-events";
import { knownInventory } from "@/lib/uploads/inventory-record";

// Reclaim's Prometheus metrics (docs/operations.md lists them). Three kinds of source:
// - S3 requests: counted as they happen, from the request events of every profile's client;
// - the inventory: read at scrape time from what the server already knows (no S3 request);
// - the ledger: read at scrape time from the database, so the counters survive restarts
//   and include what every instance sharing the database did.

interface Metrics {
  registry: Registry;
  s3Requests: Counter<"profile" | "operation" | "result">;
  s3Duration: Histogram<"profile" | "operation">;
  uploads: Gauge<"profile" | "bucket">;
  bytes: Gauge<"profile" | "bucket">;
  unsized: Gauge<"profile" | "bucket">;
  oldest: Gauge<"profile" | "bucket">;
  uncovered: Gauge<"profile" | "bucket">;
  cost: Gauge<"profile" | "bucket">;
  lastSuccess: Gauge<"profile">;
  lastAttempt: Gauge<"profile">;
  failedBuckets: Gauge<"profile">;
  configValid: Gauge;
  reclaimedBytes: Counter<"profile">;
  abortAttempts: Counter<"profile" | "outcome">;
}

function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Gauges named like counters, which promtool rejects; the same numbers stay available per
  // type (nodejs_active_handles, nodejs_active_requests, nodejs_active_resources).
  for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) {
    registry.removeSingleMetric(name);
  }
  const registers = [registry];
  const perBucket = ["profile", "bucket"] as const;
  const metrics: Metrics = {
    registry,
    s3Requests: new Counter({
      name: "reclaim_s3_requests_total",
      help: "S3 requests sent, each retry included, by profile, operation and result (ok or error).",
      labelNames: ["profile", "operation", "result"],
      registers,
    }),
    s3Duration: new Histogram({
      name: "reclaim_s3_request_duration_seconds",
      help: "Time from sending an S3 request to its answer (or failure).",
      labelNames: ["profile", "operation"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    uploads: new Gauge({
      name: "reclaim_incomplete_uploads",
      help: "Incomplete multipart uploads listed in the bucket at the last inventory.",
      labelNames: perBucket,
      registers,
    }),
    bytes: new Gauge({
      name: "reclaim_incomplete_upload_bytes",
      help: "Bytes held by the parts of the bucket's incomplete uploads (a lower bound while reclaim_incomplete_uploads_unsized > 0).",
      labelNames: perBucket,
      registers,
    }),
    unsized: new Gauge({
      name: "reclaim_incomplete_uploads_unsized",
      help: "Incomplete uploads whose parts have not been counted yet.",
      labelNames: perBucket,
      registers,
    }),
    oldest: new Gauge({
      name: "reclaim_incomplete_upload_oldest_seconds",
      help: "Age of the bucket's oldest incomplete upload (since Initiated), at scrape time.",
      labelNames: perBucket,
      registers,
    }),
    uncovered: new Gauge({
      name: "reclaim_uncovered_bytes",
      help: "Bytes held by incomplete uploads that no lifecycle rule or Reclaim policy will abort (absent while the bucket's rules are unknown).",
      labelNames: perBucket,
      registers,
    }),
    cost: new Gauge({
      name: "reclaim_incomplete_upload_cost_per_month",
      help: "What the bucket's incomplete uploads cost per month at the profile's storage price, in the profile's currency.",
      labelNames: perBucket,
      registers,
    }),
    lastSuccess: new Gauge({
      name: "reclaim_inventory_last_success_timestamp_seconds",
      help: "When the profile's uploads were last listed successfully (Unix time; 0 = never since start).",
      labelNames: ["profile"],
      registers,
    }),
    lastAttempt: new Gauge({
      name: "reclaim_inventory_last_attempt_timestamp_seconds",
      help: "When the profile's last listing ended, whatever its outcome (Unix time; 0 = never since start).",
      labelNames: ["profile"],
      registers,
    }),
    failedBuckets: new Gauge({
      name: "reclaim_inventory_failed_buckets",
      help: "Buckets the profile's last listing could not list (access denied, errors).",
      labelNames: ["profile"],
      registers,
    }),
    configValid: new Gauge({
      name: "reclaim_profiles_config_valid",
      help: "1 when the profiles file is valid, 0 when it cannot be read (no inventory series then).",
      registers,
    }),
    reclaimedBytes: new Counter({
      name: "reclaim_reclaimed_bytes_total",
      help: "Bytes reclaimed by verified aborts, from the ledger (every instance sharing the database).",
      labelNames: ["profile"],
      registers,
    }),
    abortAttempts: new Counter({
      name: "reclaim_abort_attempts_total",
      help: "Finished abort attempts by first recorded outcome, from the ledger (every instance sharing the database).",
      labelNames: ["profile", "outcome"],
      registers,
    }),
  };
  onS3Request((event) => {
    metrics.s3Requests.inc({ profile: event.profileId, operation: event.operation, result: event.result });
    metrics.s3Duration.observe({ profile: event.profileId, operation: event.operation }, event.durationSeconds);
  });
  return metrics;
}

// One set per process, on globalThis: Next.js may load this module in several bundles, and
// the S3 request listener must be added once.
const globalForMetrics = globalThis as unknown as { reclaimMetrics?: Metrics };

function metrics(): Metrics {
  globalForMetrics.reclaimMetrics ??= createMetrics();
  return globalForMetrics.reclaimMetrics;
}

/** Called at server start, so S3 requests are counted from the first one. */
export function startMetrics(): void {
  metrics();
}

const seconds = (ms: number | null) => (ms === null ? 0 : ms / 1000);

async function readInventory(m: Metrics, now: number): Promise<void> {
  for (const gauge of [m.uploads, m.bytes, m.unsized, m.oldest, m.uncovered, m.cost, m.lastSuccess, m.lastAttempt, m.failedBuckets]) {
    gauge.reset();
  }
  let profiles;
  try {
    profiles = [...loadProfiles().values()];
  } catch {
    m.configValid.set(0);
    return;
  }
  m.configValid.set(1);
  for (const profile of profiles) {
    const known = knownInventory(profile.id);
    m.lastSuccess.set({ profile: profile.id }, seconds(known.lastSuccessAt));
    m.lastAttempt.set({ profile: profile.id }, seconds(known.lastAttemptAt));
    m.failedBuckets.set({ profile: profile.id }, known.buckets.filter((b) => b.error).length);
    // An upload an enabled abort policy catches counts as covered, as one a rule catches does.
    const coveredByPolicy = caughtByPolicy(await catchingPolicies(profile.id));
    const gauges = bucketGauges({ ...known, price: storagePriceOf(profile), now, coveredByPolicy });
    for (const g of gauges) {
      const labels = { profile: profile.id, bucket: g.bucket };
      m.uploads.set(labels, g.uploads);
      m.bytes.set(labels, g.bytes);
      m.unsized.set(labels, g.unsized);
      m.cost.set(labels, g.costPerMonth);
      if (g.oldestSeconds !== null) m.oldest.set(labels, g.oldestSeconds);
      if (g.uncoveredBytes !== null) m.uncovered.set(labels, g.uncoveredBytes);
    }
  }
}

async function readLedger(m: Metrics): Promise<void> {
  const counters = await ledgerCounters();
  m.reclaimedBytes.reset();
  m.abortAttempts.reset();
  for (const { profileId, bytes } of counters.reclaimedBytes) m.reclaimedBytes.inc({ profile: profileId }, bytes);
  for (const { profileId, outcome, count } of counters.attempts) m.abortAttempts.inc({ profile: profileId, outcome }, count);
}

/** One scrape: the text exposition format, and its content type. Sends no S3 request. */
export async function scrapeMetrics(now = Date.now()): Promise<{ body: string; contentType: string }> {
  const m = metrics();
  await readInventory(m, now);
  await readLedger(m);
  return { body: await m.registry.metrics(), contentType: m.registry.contentType };
}
