// Which incomplete uploads an abort policy would catch, like lifecycle coverage
// (lib/lifecycle-coverage.ts). Pure and plain: the uploads header works it out in the browser
// from the rows it shows and the profile's enabled abort policies.
//
// A policy catches an upload when its bucket, key and size criteria match. Its age and idle
// criteria only say *when* (as a lifecycle rule's day count does): an upload that matches the
// rest is caught once it is old and idle enough — unless someone keeps writing to it.
import { matchesBucketAndKey, matchesSize } from "@/lib/jobs/selection";
import {
  emptyCoverageTotals,
  notCaught,
  own,
  type BucketLifecycle,
  type CoverageRow,
  type CoverageTotals,
  type NotCaught,
} from "@/lib/lifecycle-coverage";
import type { PolicySelection } from "@/lib/policies/types";

/** What the header needs of a policy: only enabled abort policies of the profile are sent. */
export interface CatchingPolicy {
  id: string;
  name: string;
  selection: Pick<PolicySelection, "buckets" | "key" | "keyMatch" | "largerThanBytes">;
}

export type PolicyCatch = "caught" | "not-caught" | "unknown";

/** Whether this policy would catch the upload; "unknown" while a size criterion waits for its parts. */
export function policyCatches(policy: CatchingPolicy, row: CoverageRow): PolicyCatch {
  // The same bucket, key and size rules as the policy's runs (lib/jobs/selection.ts).
  if (!matchesBucketAndKey(row, policy.selection)) return "not-caught";
  const size = matchesSize(row.partsInfo?.bytes ?? null, policy.selection.largerThanBytes);
  return size === "match" ? "caught" : size === "no-match" ? "not-caught" : "unknown";
}

/** Whether some of these policies would catch the upload ("unknown" counts as not: never guess). */
export function caughtByPolicy(policies: readonly CatchingPolicy[]): (row: CoverageRow) => boolean {
  return (row) => policies.some((policy) => policyCatches(policy, row) === "caught");
}

/**
 * The header's "not caught" figure: uploads that neither an enabled lifecycle rule nor an
 * enabled abort policy would ever abort. An upload a policy catches is covered even in a
 * bucket whose rules cannot be read.
 */
export function notCaughtByRuleOrPolicy(
  rows: readonly CoverageRow[],
  lifecycles: Readonly<Record<string, BucketLifecycle>>,
  policies: readonly CatchingPolicy[],
): NotCaught {
  const caught = caughtByPolicy(policies);
  return notCaught(policies.length > 0 ? rows.filter((row) => !caught(row)) : rows, lifecycles);
}

export interface BucketPolicyCoverage {
  /** Uploads some policy catches. */
  caught: number;
  uploads: number;
  /** Names of the policies catching at least one of its uploads. */
  policies: string[];
}

export interface PolicyCoverage {
  /** Uploads no enabled abort policy catches (bytes of those counted). */
  notCaught: CoverageTotals;
  byBucket: Record<string, BucketPolicyCoverage>;
}

/** Per bucket and overall: which uploads an enabled abort policy of the profile would catch. */
export function policyCoverage(rows: readonly CoverageRow[], policies: readonly CatchingPolicy[]): PolicyCoverage {
  const notCaught = emptyCoverageTotals();
  // A Map, not an object: "constructor" or "__proto__" are valid bucket names.
  const byBucket = new Map<string, { caught: number; uploads: number; policies: Set<string> }>();
  for (const row of rows) {
    let bucket = byBucket.get(row.bucket);
    if (!bucket) {
      bucket = { caught: 0, uploads: 0, policies: new Set() };
      byBucket.set(row.bucket, bucket);
    }
    bucket.uploads++;
    let caught = false;
    for (const policy of policies) {
      if (policyCatches(policy, row) === "caught") {
        caught = true;
        bucket.policies.add(policy.name);
      }
    }
    if (caught) bucket.caught++;
    else {
      notCaught.uploads++;
      if (row.partsInfo) notCaught.bytes += row.partsInfo.bytes;
      else notCaught.uncounted++;
    }
  }
  return {
    notCaught,
    byBucket: Object.fromEntries([...byBucket].map(([name, b]) => [name, { caught: b.caught, uploads: b.uploads, policies: [...b.policies].sort() }])),
  };
}

export function bucketPolicyCoverage(coverage: PolicyCoverage | null, bucket: string): BucketPolicyCoverage | undefined {
  return coverage ? own(coverage.byBucket, bucket) : undefined;
}
