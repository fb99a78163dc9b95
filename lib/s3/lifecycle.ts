import "server-only";
import {
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  type LifecycleRuleFilter,
  type S3Client,
  type Tag,
  type TransitionDefaultMinimumObjectSize,
} from "@aws-sdk/client-s3";
import { getEnv } from "@/lib/env";
import {
  emptyCoverageTotals,
  hasAbortingRule,
  own,
  uncoveredUploads,
  type AbortRuleView,
  type BucketLifecycle,
  type BucketOverview,
  type BucketOverviewRow,
  type CoverageRow,
} from "@/lib/lifecycle-coverage";
import type { Profile } from "@/lib/profiles";
import { getS3Client } from "@/lib/s3/client";
import { mapWithConcurrency } from "@/lib/s3/concurrency";
import { ReclaimS3Error, toReclaimError } from "@/lib/s3/errors";
import { BUCKET_NAME_PATTERN } from "@/lib/names";
import { withS3Cause } from "@/lib/s3/request-events";
import type { ReclaimError } from "@/lib/s3/types";

// Bucket lifecycle rules that abort incomplete multipart uploads: read them as our own
// plain view, add/edit/remove OUR rule (a fixed id) while every other rule of the bucket
// is written back as it was read. Which uploads they catch is lib/lifecycle-coverage.ts.
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

/** Buckets whose lifecycle is read at once (each read is one GET). */
const LIFECYCLE_READS_AT_ONCE = 8;

export interface AbortRuleInput {
  days: number;
  /** "" (or omitted) = the whole bucket. */
  prefix?: string;
}

export interface LifecycleCallOptions {
  /** Use this client instead of the profile's shared one (tests). */
  client?: S3Client;
  signal?: AbortSignal;
}

// ------------------------------------------------------------------ errors

type LifecycleOperation = "read" | "write" | "delete";

const DOING: Record<LifecycleOperation, string> = {
  read: "reading the lifecycle rules of",
  write: "writing the lifecycle rules of",
  delete: "deleting the lifecycle configuration of",
};

const PERMISSION: Record<LifecycleOperation, string> = {
  read: "s3:GetLifecycleConfiguration",
  write: "s3:PutLifecycleConfiguration",
  delete: "s3:PutLifecycleConfiguration",
};

/** 400s an endpoint sends when it refuses the configuration itself. */
const REJECTION_CODES = new Set([
  "InvalidArgument",
  "InvalidRequest",
  "MalformedXML",
  "InvalidTag",
  "InvalidStorageClass",
]);

function isUnsupported(error: ReclaimError): boolean {
  return (
    error.code === "not-implemented" ||
    error.s3Code === "MethodNotAllowed" ||
    error.httpStatus === 405 ||
    error.httpStatus === 501
  );
}

/** True when the endpoint refused the lifecycle configuration we sent (a 400). */
export function isRejection(error: ReclaimError): boolean {
  return (
    (error.s3Code !== undefined && REJECTION_CODES.has(error.s3Code)) ||
    (error.code === "unknown" && error.httpStatus === 400)
  );
}

/**
 * A ReclaimError for a lifecycle call. Classification (code, S3 code, status) comes from
 * toReclaimError; the sentence is ours because errors.ts has no lifecycle operations yet.
 */
export function lifecycleError(
  error: unknown,
  operation: LifecycleOperation,
  bucket: string,
  endpoint?: string,
): ReclaimError {
  const base = toReclaimError(error, { operation: "list-uploads", bucket, endpoint });
  const s3 = base.s3Code ?? (base.httpStatus ? `HTTP ${base.httpStatus}` : "no code");
  const doing = `${DOING[operation]} \`${bucket}\``;
  let message: string;
  if (isUnsupported(base)) {
    message = `This endpoint does not support bucket lifecycle rules (${s3}) — abort incomplete uploads from the Uploads view instead.`;
  } else if (base.code === "access-denied") {
    message = `Access denied (${s3}) ${doing} — the profile's key lacks ${PERMISSION[operation]}.`;
  } else if (isRejection(base)) {
    message = `The endpoint rejected the lifecycle rules for \`${bucket}\` (${s3}) — it may not accept this rule, or an existing rule of the bucket is invalid for it; nothing was changed.`;
  } else if (base.code === "no-such-bucket") {
    message = `Bucket \`${bucket}\` does not exist (${s3}) — refresh the list.`;
  } else if (base.code === "invalid-credentials") {
    message = `The endpoint rejected the profile's key (${s3}) ${doing} — check the access key, the secret and the server clock.`;
  } else if (base.code === "timeout" || base.code === "unreachable") {
    message = `No answer from the endpoint (${s3 === "no code" ? base.code : s3}) ${doing} — check that it is up, then try again.`;
  } else if (base.code === "throttled") {
    message = `The endpoint is throttling requests (${s3}) ${doing} — try again in a minute.`;
  } else {
    message = `The endpoint failed (${s3}) ${doing} — try again; if it persists, check the endpoint's logs.`;
  }
  const code = isUnsupported(base) ? "not-implemented" : isRejection(base) ? "rejected" : base.code;
  return { ...base, code, message };
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

// ------------------------------------------------------------------ pure: the buckets view

/** The fields of a per-bucket listing result that the buckets view needs (BucketInventory fits). */
export interface ListedBucket {
  bucket: string;
  uploads: number;
  complete: boolean;
  error?: ReclaimError;
}

/** Per-bucket uploads + lifecycle + coverage, from an uploads listing and the buckets' lifecycles. */
export function buildBucketOverview(
  profileId: string,
  listing: {
    listedAt: string;
    rows: readonly (CoverageRow & { initiated: string | null })[];
    buckets: readonly ListedBucket[];
  },
  lifecycles: Readonly<Record<string, BucketLifecycle>>,
): BucketOverview {
  const coverage = uncoveredUploads(listing.rows, lifecycles);
  const stats = new Map<string, { bytes: number; uncounted: number; oldest: string | null }>();
  for (const row of listing.rows) {
    const s = stats.get(row.bucket) ?? { bytes: 0, uncounted: 0, oldest: null };
    if (row.partsInfo) s.bytes += row.partsInfo.bytes;
    else s.uncounted++;
    if (row.initiated && (s.oldest === null || Date.parse(row.initiated) < Date.parse(s.oldest)))
      s.oldest = row.initiated;
    stats.set(row.bucket, s);
  }
  const notRead: BucketLifecycle = {
    status: "error",
    error: { code: "unknown", message: "The lifecycle rules of this bucket were not read." },
  };
  const buckets = listing.buckets.map((listed): BucketOverviewRow => {
    const s = stats.get(listed.bucket);
    const byBucket = own(coverage.byBucket, listed.bucket);
    const row: BucketOverviewRow = {
      bucket: listed.bucket,
      uploads: listed.uploads,
      bytes: s?.bytes ?? 0,
      uncounted: s?.uncounted ?? 0,
      oldestInitiated: s?.oldest ?? null,
      complete: listed.complete,
      lifecycle: own(lifecycles, listed.bucket) ?? notRead,
      coverage: byBucket ?? {
        uncovered: emptyCoverageTotals(),
        covered: emptyCoverageTotals(),
        unknown: emptyCoverageTotals(),
      },
    };
    if (listed.error) row.listError = listed.error;
    return row;
  });
  return {
    profileId,
    listedAt: listing.listedAt,
    buckets,
    totals: {
      buckets: buckets.length,
      uploads: buckets.reduce((n, b) => n + b.uploads, 0),
      bytes: buckets.reduce((n, b) => n + b.bytes, 0),
      uncounted: buckets.reduce((n, b) => n + b.uncounted, 0),
      protectedBuckets: buckets.filter((b) => hasAbortingRule(b.lifecycle)).length,
      unreadableBuckets: buckets.filter(
        (b) => b.lifecycle.status === "denied" || b.lifecycle.status === "error",
      ).length,
      uncovered: coverage.uncovered,
      covered: coverage.covered,
      unknown: coverage.unknown,
    },
  };
}

// ------------------------------------------------------------------ S3 calls

function ownerParam(profile: Profile): { ExpectedBucketOwner?: string } {
  return profile.expectedBucketOwner ? { ExpectedBucketOwner: profile.expectedBucketOwner } : {};
}

interface RawConfiguration {
  /** Null: the bucket has no lifecycle configuration. */
  rules: LifecycleRule[] | null;
  /** AWS: sent back on PUT so the bucket's setting is kept. */
  transitionDefaultMinimumObjectSize?: TransitionDefaultMinimumObjectSize;
}

/** GetBucketLifecycleConfiguration; NoSuchLifecycleConfiguration → rules null. Throws the SDK error otherwise. */
async function getConfiguration(
  client: S3Client,
  profile: Profile,
  bucket: string,
  signal?: AbortSignal,
): Promise<RawConfiguration> {
  try {
    const output = await client.send(
      new GetBucketLifecycleConfigurationCommand({ Bucket: bucket, ...ownerParam(profile) }),
      {
        abortSignal: signal,
      },
    );
    const result: RawConfiguration = { rules: output.Rules ?? [] };
    if (output.TransitionDefaultMinimumObjectSize)
      result.transitionDefaultMinimumObjectSize = output.TransitionDefaultMinimumObjectSize;
    return result;
  } catch (error) {
    const fields = error as { name?: unknown; Code?: unknown };
    if (
      fields.name === "NoSuchLifecycleConfiguration" ||
      fields.Code === "NoSuchLifecycleConfiguration"
    )
      return { rules: null };
    throw error;
  }
}


function assertBucketName(bucket: string): void {
  if (!BUCKET_NAME_PATTERN.test(bucket)) {
    throw new ReclaimS3Error({
      code: "invalid-bucket-name",
      message: `\`${bucket}\` is not a valid bucket name.`,
      bucket,
    });
  }
}

/** The bucket's abort rules as our view. Never throws for S3 failures: they become a status. */
export async function readAbortRules(
  profile: Profile,
  bucket: string,
  options: LifecycleCallOptions = {},
): Promise<BucketLifecycle> {
  if (!BUCKET_NAME_PATTERN.test(bucket)) {
    return {
      status: "error",
      error: {
        code: "invalid-bucket-name",
        message: `\`${bucket}\` is not a valid bucket name.`,
        bucket,
      },
    };
  }
  try {
    const config = await withS3Cause("lifecycle", () =>
      getConfiguration(options.client ?? getS3Client(profile), profile, bucket, options.signal),
    );
    return config.rules === null ? { status: "none" } : toLifecycleView(config.rules);
  } catch (error) {
    const detail = lifecycleError(error, "read", bucket, profile.endpoint);
    if (isUnsupported(detail)) return { status: "unsupported", error: detail };
    if (detail.code === "access-denied") return { status: "denied", error: detail };
    return { status: "error", error: detail };
  }
}

/** The lifecycle of many buckets, a few GETs at a time; keyed by bucket name. */
export async function readAbortRulesForBuckets(
  profile: Profile,
  buckets: readonly string[],
  options: LifecycleCallOptions & { concurrency?: number } = {},
): Promise<Record<string, BucketLifecycle>> {
  const limit =
    options.concurrency ?? Math.min(LIFECYCLE_READS_AT_ONCE, getEnv().RECLAIM_S3_CONCURRENCY);
  const views = await mapWithConcurrency(buckets, limit, (bucket) =>
    readAbortRules(profile, bucket, options),
  );
  // fromEntries defines own properties, so even a bucket named "__proto__" is kept as data.
  return Object.fromEntries(
    buckets.flatMap((bucket, i) => {
      const view = views[i];
      return view ? [[bucket, view] as const] : [];
    }),
  );
}

// Read-modify-write of one bucket's configuration is serialized within this server, so two
// admins saving at once cannot drop each other's change here. (S3 has no conditional
// lifecycle PUT: a change made elsewhere between our GET and PUT can still be lost.)
const bucketWrites = new Map<string, Promise<unknown>>();

async function withBucketLock<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = bucketWrites.get(key) ?? Promise.resolve();
  // Rule edits are "lifecycle" requests in the dashboard's request bill.
  const run = previous.catch(() => undefined).then(() => withS3Cause("lifecycle", task));
  bucketWrites.set(key, run);
  try {
    return await run;
  } finally {
    if (bucketWrites.get(key) === run) bucketWrites.delete(key);
  }
}

async function readForWrite(
  client: S3Client,
  profile: Profile,
  bucket: string,
  signal?: AbortSignal,
): Promise<RawConfiguration> {
  try {
    return await getConfiguration(client, profile, bucket, signal);
  } catch (error) {
    const detail = lifecycleError(error, "read", bucket, profile.endpoint);
    // Writing without reading would replace rules we cannot see: refuse instead.
    const note =
      detail.code === "access-denied"
        ? " Nothing was written: saving without reading the bucket's rules first could delete them."
        : "";
    throw new ReclaimS3Error({ ...detail, message: `${detail.message}${note}` });
  }
}

async function putRules(
  client: S3Client,
  profile: Profile,
  bucket: string,
  config: RawConfiguration,
  rules: LifecycleRule[],
  signal?: AbortSignal,
): Promise<void> {
  try {
    await client.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: { Rules: rules },
        ...(config.transitionDefaultMinimumObjectSize
          ? { TransitionDefaultMinimumObjectSize: config.transitionDefaultMinimumObjectSize }
          : {}),
        ...ownerParam(profile),
      }),
      { abortSignal: signal },
    );
  } catch (error) {
    throw new ReclaimS3Error(lifecycleError(error, "write", bucket, profile.endpoint));
  }
}

/**
 * Adds our abort rule, or changes its days/prefix, keeping every other rule of the bucket.
 * Returns the configuration as written. Throws ReclaimS3Error (denied, rejected…).
 */
export async function setAbortRule(
  profile: Profile,
  bucket: string,
  input: AbortRuleInput,
  options: LifecycleCallOptions = {},
): Promise<BucketLifecycle> {
  validateRuleInput(input);
  assertBucketName(bucket);
  const client = options.client ?? getS3Client(profile);
  return withBucketLock(`${profile.id}\u0000${bucket}`, async () => {
    const config = await readForWrite(client, profile, bucket, options.signal);
    const rules = withOurRule(config.rules ?? [], input);
    await putRules(client, profile, bucket, config, rules, options.signal);
    return toLifecycleView(rules);
  });
}

/**
 * Removes our rule and keeps the others; with none left, deletes the configuration.
 * A bucket without our rule is left untouched. Throws ReclaimS3Error.
 */
export async function removeAbortRule(
  profile: Profile,
  bucket: string,
  options: LifecycleCallOptions = {},
): Promise<BucketLifecycle> {
  assertBucketName(bucket);
  const client = options.client ?? getS3Client(profile);
  return withBucketLock(`${profile.id}\u0000${bucket}`, async () => {
    const config = await readForWrite(client, profile, bucket, options.signal);
    if (config.rules === null) return { status: "none" };
    if (!config.rules.some((rule) => rule.ID === RECLAIM_RULE_ID))
      return toLifecycleView(config.rules);
    const rules = withoutOurRule(config.rules);
    if (rules.length > 0) {
      await putRules(client, profile, bucket, config, rules, options.signal);
      return toLifecycleView(rules);
    }
    try {
      await client.send(
        new DeleteBucketLifecycleCommand({ Bucket: bucket, ...ownerParam(profile) }),
        { abortSignal: options.signal },
      );
    } catch (error) {
      throw new ReclaimS3Error(lifecycleError(error, "delete", bucket, profile.endpoint));
    }
    return { status: "none" };
  });
}
