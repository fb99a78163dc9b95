import "server-only";
import {
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  type S3Client,
  type TransitionDefaultMinimumObjectSize,
} from "@aws-sdk/client-s3";
import { getEnv } from "@/lib/env";
import type { BucketLifecycle } from "@/lib/lifecycle-coverage";
import { assertBucketsInProfile, type Profile } from "@/lib/profiles";
import { getS3Client } from "@/lib/s3/client";
import { mapWithConcurrency } from "@/lib/s3/concurrency";
import { ReclaimS3Error } from "@/lib/s3/errors";
import { isUnsupported, lifecycleError } from "@/lib/s3/lifecycle-errors";
import {
  RECLAIM_RULE_ID,
  toLifecycleView,
  validateRuleInput,
  withOurRule,
  withoutOurRule,
  type AbortRuleInput,
} from "@/lib/s3/lifecycle-rules";
import { BUCKET_NAME_PATTERN } from "@/lib/names";
import { withS3Cause } from "@/lib/s3/request-events";

// The S3 calls for bucket lifecycle rules that abort incomplete multipart uploads: read
// them as our own plain view (lib/s3/lifecycle-rules.ts), add/edit/remove OUR rule while
// every other rule of the bucket is written back as it was read. Which uploads they catch
// is lib/lifecycle-coverage.ts.

/** Buckets whose lifecycle is read at once (each read is one GET). */
const LIFECYCLE_READS_AT_ONCE = 8;

export interface LifecycleCallOptions {
  /** Use this client instead of the profile's shared one (tests). */
  client?: S3Client;
  signal?: AbortSignal;
}

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
  assertBucketsInProfile(profile, buckets);
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
  assertBucketsInProfile(profile, [bucket]);
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
  assertBucketsInProfile(profile, [bucket]);
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
