"use server";

import { z } from "zod";
import { defineAction, ok } from "@/lib/safe-action";
import { buildBucketOverview } from "@/lib/bucket-overview";
import { getProfile } from "@/lib/profiles";
import { bucketNameSchema, profileIdSchema } from "@/lib/schemas";
import { listBuckets } from "@/lib/s3/inventory";
import { readAbortRulesForBuckets, removeAbortRule, setAbortRule } from "@/lib/s3/lifecycle";
import { MAX_RULE_DAYS, MAX_RULE_PREFIX_LENGTH, MIN_RULE_DAYS } from "@/lib/s3/lifecycle-rules";
import { forgetLifecycleRead } from "@/lib/uploads/cleanup-status";
import { watchUploads } from "@/lib/uploads/service";
import { logger } from "@/lib/log";

// Thin: parse → authorize (defineAction) → lib → typed result. S3 failures that stop the
// whole answer (the bucket list, a rejected rule) are thrown by lib and become { ok: false }
// with their sentence in defineAction.

/** The buckets view: per bucket, its incomplete uploads, its abort rules and what they miss. */
export const bucketOverviewAction = defineAction(
  { input: z.object({ profileId: profileIdSchema }), role: "viewer" },
  async ({ profileId }) => {
    const profile = getProfile(profileId);
    const names = (await listBuckets(profile)).map((b) => b.name);
    const [listing, lifecycles] = await Promise.all([
      watchUploads(profile),
      readAbortRulesForBuckets(profile, names),
    ]);
    return ok(buildBucketOverview(profileId, listing, lifecycles));
  },
);

export const setAbortRuleAction = defineAction(
  {
    input: z.object({
      profileId: profileIdSchema,
      bucket: bucketNameSchema,
      days: z
        .number({ error: "Days must be a whole number." })
        .int("Days must be a whole number.")
        .min(MIN_RULE_DAYS, `Days must be at least ${MIN_RULE_DAYS}.`)
        .max(MAX_RULE_DAYS, `Days must be at most ${MAX_RULE_DAYS}.`),
      prefix: z
        .string()
        .max(
          MAX_RULE_PREFIX_LENGTH,
          `The prefix must be at most ${MAX_RULE_PREFIX_LENGTH} characters.`,
        )
        .default(""),
    }),
    role: "admin",
  },
  async ({ profileId, bucket, days, prefix }, { user }) => {
    const lifecycle = await setAbortRule(getProfile(profileId), bucket, { days, prefix });
    forgetLifecycleRead(profileId, bucket);
    logger().info({ event: "lifecycle", user: user.email, profile: profileId, bucket, days, prefix }, "abort rule set");
    return ok(lifecycle);
  },
);

export const removeAbortRuleAction = defineAction(
  { input: z.object({ profileId: profileIdSchema, bucket: bucketNameSchema }), role: "admin" },
  async ({ profileId, bucket }, { user }) => {
    const lifecycle = await removeAbortRule(getProfile(profileId), bucket);
    forgetLifecycleRead(profileId, bucket);
    logger().info({ event: "lifecycle", user: user.email, profile: profileId, bucket }, "abort rule removed");
    return ok(lifecycle);
  },
);
