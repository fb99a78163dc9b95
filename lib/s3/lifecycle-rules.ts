import "server-only";
import type { LifecycleRule, LifecycleRuleFilter, Tag } from "@aws-sdk/client-s3";
import type { AbortRuleView, BucketLifecycle } from "@/lib/lifecycle-coverage";

// Lifecycle rules as data, no S3 calls: our plain view of a bucket's abort rules, and the
// rules to write back when OUR rule (a fixed id) is added, edited or removed — every other
// rule of the bucket kept as it was read.
//
// Round trips go through the SDK's own shapes (never re-built by us), with one repair:
// Ceph RGW (Pacific) answers a Filter with <And><Prefix/><Tag/></And> as
// <Filter><Prefix/><And><Tag/></And></Filter> and, when that is written back, reads the
// prefix only from inside <And> — the prefix would silently vanish and the rule would
// apply to the whole bucket. normalizeRuleForWrite moves such conditions into And.

/** The id of the rule Reclaim owns; no other rule is ever changed. */
export const RECLAIM_RULE_ID = "reclaim-abort-incomplete-uploads";
export const MIN_RULE_DAYS = 1;
export const MAX_RULE_DAYS = 3650;
export const MAX_RULE_PREFIX_LENGTH = 1024;

export interface AbortRuleInput {
  days: number;
  /** "" (or omitted) = the whole bucket. */
  prefix?: string;
}

// ------------------------------------------------------------------ pure: reading rules

function describeTag(tag: Tag): string {
  return `tag ${tag.Key ?? ""}=${tag.Value ?? ""}`;
}

const bytesFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** The prefix and other conditions of a rule, from Filter (any shape) or the legacy Prefix. */
export function ruleScope(rule: LifecycleRule): { prefix: string; conditions: string[] } {
  const filter = rule.Filter;
  const prefixes: string[] = [];
  const conditions: string[] = [];
  if (rule.Prefix !== undefined) prefixes.push(rule.Prefix);
  const collect = (part: {
    Prefix?: string;
    Tag?: Tag;
    Tags?: Tag[];
    ObjectSizeGreaterThan?: number;
    ObjectSizeLessThan?: number;
  }) => {
    if (part.Prefix !== undefined) prefixes.push(part.Prefix);
    if (part.Tag) conditions.push(describeTag(part.Tag));
    for (const tag of part.Tags ?? []) conditions.push(describeTag(tag));
    if (part.ObjectSizeGreaterThan !== undefined)
      conditions.push(`size > ${bytesFormat.format(part.ObjectSizeGreaterThan)} bytes`);
    if (part.ObjectSizeLessThan !== undefined)
      conditions.push(`size < ${bytesFormat.format(part.ObjectSizeLessThan)} bytes`);
  };
  if (filter) {
    collect(filter);
    if (filter.And) collect(filter.And);
  }
  // Several prefixes (never sent by a sane endpoint) all have to match: keep the longest,
  // and say so when they disagree.
  const nonEmpty = prefixes.filter((p) => p !== "");
  const prefix = nonEmpty.reduce((a, b) => (b.length > a.length ? b : a), "");
  if (nonEmpty.some((p) => !prefix.startsWith(p)))
    conditions.push(`prefixes ${nonEmpty.map((p) => `"${p}"`).join(" and ")}`);
  return { prefix, conditions };
}

/** Our view of a configuration's rules: those that abort uploads, and how many others. */
export function toLifecycleView(rules: readonly LifecycleRule[]): BucketLifecycle {
  if (rules.length === 0) return { status: "none" };
  const abortRules: AbortRuleView[] = [];
  let otherRules = 0;
  for (const rule of rules) {
    if (!rule.AbortIncompleteMultipartUpload) {
      otherRules++;
      continue;
    }
    const days = rule.AbortIncompleteMultipartUpload.DaysAfterInitiation;
    abortRules.push({
      id: rule.ID ?? null,
      ours: rule.ID === RECLAIM_RULE_ID,
      enabled: rule.Status === "Enabled",
      days: typeof days === "number" ? days : null,
      ...ruleScope(rule),
    });
  }
  // Ours first, then by id, so the UI shows the editable rule on top.
  abortRules.sort(
    (a, b) => Number(b.ours) - Number(a.ours) || (a.id ?? "").localeCompare(b.id ?? ""),
  );
  return { status: "rules", rules: abortRules, otherRules };
}

// ------------------------------------------------------------------ pure: writing rules

type FilterCondition = "Prefix" | "Tag" | "ObjectSizeGreaterThan" | "ObjectSizeLessThan";
const FILTER_CONDITIONS: readonly FilterCondition[] = [
  "Prefix",
  "Tag",
  "ObjectSizeGreaterThan",
  "ObjectSizeLessThan",
];

/**
 * A rule as it must be sent so the endpoint stores what it showed us. Canonical shapes (all
 * AWS answers) come back unchanged — the same object. A Filter that mixes top-level
 * conditions with And (RGW's answer for prefix + tags), or holds several top-level
 * conditions, gets them all inside And, where every endpoint reads them.
 */
export function normalizeRuleForWrite(rule: LifecycleRule): LifecycleRule {
  const filter = rule.Filter;
  if (!filter) return rule;
  const topLevel = FILTER_CONDITIONS.filter((name) => filter[name] !== undefined);
  if (topLevel.length === 0 || (topLevel.length === 1 && !filter.And)) return rule;
  const and = { ...filter.And };
  for (const name of topLevel) {
    if (name === "Tag") {
      and.Tags = [...(filter.Tag ? [filter.Tag] : []), ...(and.Tags ?? [])];
    } else if (and[name] === undefined) {
      // An And value wins over a top-level one of the same name (the endpoint read And).
      (and as Record<string, unknown>)[name] = filter[name];
    }
  }
  const normalized: LifecycleRuleFilter = { And: and };
  return { ...rule, Filter: normalized };
}

/** Our rule as written: enabled, a prefix Filter, the abort action and nothing else. */
function buildOurRule(input: AbortRuleInput): LifecycleRule {
  return {
    ID: RECLAIM_RULE_ID,
    Status: "Enabled",
    Filter: { Prefix: input.prefix ?? "" },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: input.days },
  };
}

/** The rules with ours added (at the end) or replaced (in place); every other rule kept. */
export function withOurRule(
  rules: readonly LifecycleRule[],
  input: AbortRuleInput,
): LifecycleRule[] {
  const ours = buildOurRule(input);
  const index = rules.findIndex((rule) => rule.ID === RECLAIM_RULE_ID);
  const next = rules.map(normalizeRuleForWrite);
  if (index === -1) return [...next, ours];
  next[index] = ours;
  return next;
}

/** The rules without ours; every other rule kept. */
export function withoutOurRule(rules: readonly LifecycleRule[]): LifecycleRule[] {
  return rules.filter((rule) => rule.ID !== RECLAIM_RULE_ID).map(normalizeRuleForWrite);
}

export function validateRuleInput(input: AbortRuleInput): void {
  if (!Number.isInteger(input.days) || input.days < MIN_RULE_DAYS || input.days > MAX_RULE_DAYS) {
    throw new RangeError(
      `days must be an integer from ${MIN_RULE_DAYS} to ${MAX_RULE_DAYS}, got ${input.days}`,
    );
  }
  if ((input.prefix ?? "").length > MAX_RULE_PREFIX_LENGTH) {
    throw new RangeError(`prefix must be at most ${MAX_RULE_PREFIX_LENGTH} characters`);
  }
}
