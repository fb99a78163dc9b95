// Which incomplete uploads an enabled lifecycle rule would abort, and which none would.
// Pure and plain (no "server-only"): the server builds the buckets view with it, and the
// dashboard header works out "not caught" in the browser from the rows it already shows.
import type { ReclaimError } from "@/lib/s3/types";

/** One lifecycle rule with an AbortIncompleteMultipartUpload action. */
export interface AbortRuleView {
  /** The rule's ID; null when the endpoint sent none. */
  id: string | null;
  /** Our rule (RECLAIM_RULE_ID): the one admins edit from Reclaim. */
  ours: boolean;
  enabled: boolean;
  /** DaysAfterInitiation; null when the action has no day count (the rule then aborts nothing). */
  days: number | null;
  /** Keys it applies to; "" = the whole bucket. */
  prefix: string;
  /**
   * Filter conditions besides the prefix ("tag env=tmp", "size > 1,024 bytes"). Uploads have
   * no tags or size yet, so a rule with conditions is not counted as catching anything.
   */
  conditions: string[];
}

/** Our typed view of a bucket's lifecycle, as far as aborting incomplete uploads goes. */
export type BucketLifecycle =
  | { status: "rules"; rules: AbortRuleView[]; otherRules: number }
  | { status: "none" }
  | { status: "denied"; error: ReclaimError }
  | { status: "unsupported"; error: ReclaimError }
  | { status: "error"; error: ReclaimError };

/**
 * Whether a rule aborts incomplete uploads at all: enabled, with a day count, and no
 * tag/size conditions (uploads have neither yet, so such a rule never matches one).
 */
export function abortsUploads(rule: AbortRuleView): boolean {
  return rule.enabled && rule.days !== null && rule.conditions.length === 0;
}

/** True when at least one rule of the bucket aborts uploads: it cleans up after itself. */
export function hasAbortingRule(lifecycle: BucketLifecycle): boolean {
  return lifecycle.status === "rules" && lifecycle.rules.some(abortsUploads);
}

/**
 * The enabled rule that would abort an upload of this key soonest, or null when none
 * would: no rule, a disabled one, one without a day count, one with tag/size conditions,
 * or a prefix that does not cover the key.
 */
export function coveredBy(rules: readonly AbortRuleView[], key: string): AbortRuleView | null {
  let best: AbortRuleView | null = null;
  for (const rule of rules) {
    if (!abortsUploads(rule) || rule.days === null) continue;
    if (!key.startsWith(rule.prefix)) continue;
    if (!best || (best.days !== null && rule.days < best.days)) best = rule;
  }
  return best;
}

/** The fields of an uploads-table row that coverage needs (UploadRow fits). */
export interface CoverageRow {
  bucket: string;
  key: string;
  /** Null while the upload's parts are not counted yet. */
  partsInfo: { bytes: number } | null;
}

export interface CoverageTotals {
  uploads: number;
  /** Bytes of the uploads whose parts are counted. */
  bytes: number;
  /** Uploads whose parts are not counted yet (their bytes are missing from `bytes`). */
  uncounted: number;
}

export interface LifecycleCoverage {
  /** No enabled rule catches them: they stay until someone aborts them. */
  uncovered: CoverageTotals;
  /** An enabled abort rule will remove them. */
  covered: CoverageTotals;
  /** In buckets whose lifecycle could not be read (denied, error, not read). */
  unknown: CoverageTotals;
  byBucket: Record<
    string,
    { uncovered: CoverageTotals; covered: CoverageTotals; unknown: CoverageTotals }
  >;
}

export type UploadCoverage =
  | { state: "covered"; rule: AbortRuleView }
  | { state: "uncovered" }
  | { state: "unknown"; reason: "denied" | "error" | "not-read" };

/** Whether a bucket's lifecycle would abort an upload of this key. */
export function uploadCoverage(
  lifecycle: BucketLifecycle | undefined,
  key: string,
): UploadCoverage {
  if (!lifecycle) return { state: "unknown", reason: "not-read" };
  switch (lifecycle.status) {
    case "none":
    case "unsupported": // the endpoint runs no lifecycle: nothing will abort them
      return { state: "uncovered" };
    case "denied":
      return { state: "unknown", reason: "denied" };
    case "error":
      return { state: "unknown", reason: "error" };
    case "rules": {
      const rule = coveredBy(lifecycle.rules, key);
      return rule ? { state: "covered", rule } : { state: "uncovered" };
    }
  }
}

export function emptyCoverageTotals(): CoverageTotals {
  return { uploads: 0, bytes: 0, uncounted: 0 };
}

function addTo(totals: CoverageTotals, row: CoverageRow): void {
  totals.uploads++;
  if (row.partsInfo) totals.bytes += row.partsInfo.bytes;
  else totals.uncounted++;
}

/**
 * Which uploads (and how many bytes) no enabled abort rule would catch, overall and per
 * bucket. Buckets missing from `rulesByBucket`, or whose lifecycle could not be read,
 * count as unknown — never as covered.
 */
export function uncoveredUploads(
  rows: readonly CoverageRow[],
  rulesByBucket: Readonly<Record<string, BucketLifecycle | undefined>>,
): LifecycleCoverage {
  const result = {
    uncovered: emptyCoverageTotals(),
    covered: emptyCoverageTotals(),
    unknown: emptyCoverageTotals(),
  };
  // A Map, not an object: "constructor" or "__proto__" are valid bucket names.
  const byBucket = new Map<
    string,
    { uncovered: CoverageTotals; covered: CoverageTotals; unknown: CoverageTotals }
  >();
  for (const row of rows) {
    const state = uploadCoverage(own(rulesByBucket, row.bucket), row.key).state;
    let bucket = byBucket.get(row.bucket);
    if (!bucket) {
      bucket = {
        uncovered: emptyCoverageTotals(),
        covered: emptyCoverageTotals(),
        unknown: emptyCoverageTotals(),
      };
      byBucket.set(row.bucket, bucket);
    }
    addTo(result[state], row);
    addTo(bucket[state], row);
  }
  return { ...result, byBucket: Object.fromEntries(byBucket) };
}

/** record[key] only when it is the record's own property (bucket names are user data). */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The dashboard header's "not caught by a lifecycle rule" figure. */
export type NotCaught =
  /** The rules of a bucket the rows are in have not arrived yet. */
  | { state: "reading" }
  /** The rules of no bucket holding uploads could be read: there is no figure to show. */
  | { state: "unreadable"; error: ReclaimError }
  | { state: "known"; notCaught: CoverageTotals; unknown: CoverageTotals };

/**
 * "Not caught" for the rows the dashboard shows, given the rules of the buckets they are in.
 * Computed in the browser from the live listing, so it follows the table row for row.
 */
export function notCaught(
  rows: readonly CoverageRow[],
  lifecycles: Readonly<Record<string, BucketLifecycle>>,
): NotCaught {
  // A bucket that just gained uploads: its rules are being read; never guess them.
  if (rows.some((row) => own(lifecycles, row.bucket) === undefined)) return { state: "reading" };
  const coverage = uncoveredUploads(rows, lifecycles);
  const first = rows[0] ? own(lifecycles, rows[0].bucket) : undefined;
  if (coverage.unknown.uploads === rows.length && first && "error" in first)
    return { state: "unreadable", error: first.error };
  return { state: "known", notCaught: coverage.uncovered, unknown: coverage.unknown };
}

// ------------------------------------------------------------------ the buckets view

export interface BucketOverviewRow {
  bucket: string;
  uploads: number;
  /** Bytes of the uploads whose parts are counted. */
  bytes: number;
  /** Uploads whose parts are not counted yet. */
  uncounted: number;
  /** Oldest `Initiated` among its uploads (ISO). */
  oldestInitiated: string | null;
  /** False when the uploads listing stopped early; `listError` says why. */
  complete: boolean;
  listError?: ReclaimError;
  lifecycle: BucketLifecycle;
  coverage: { uncovered: CoverageTotals; covered: CoverageTotals; unknown: CoverageTotals };
}

export interface BucketOverview {
  profileId: string;
  /** When the uploads were listed (ISO). */
  listedAt: string;
  buckets: BucketOverviewRow[];
  totals: {
    buckets: number;
    uploads: number;
    bytes: number;
    uncounted: number;
    /** Buckets with at least one enabled abort rule. */
    protectedBuckets: number;
    /** Buckets whose lifecycle could not be read. */
    unreadableBuckets: number;
    uncovered: CoverageTotals;
    covered: CoverageTotals;
    unknown: CoverageTotals;
  };
}
