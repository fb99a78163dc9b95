// Lifecycle abort rules against the real gateway: our rule is added, edited and removed
// while every other rule of the bucket stays exactly as it was (checked with the raw SDK);
// RGW's lifecycle worker (one "day" = 10 s, rgw_lc_debug_interval) really aborts an upload;
// the restricted key and a viewer are refused.
import {
  GetBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  ListMultipartUploadsCommand,
  PutBucketLifecycleConfigurationCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { uncoveredUploads } from "@/lib/lifecycle-coverage";
import { ReclaimS3Error } from "@/lib/s3/errors";
import {
  readAbortRules,
  readAbortRulesForBuckets,
  removeAbortRule,
  setAbortRule,
} from "@/lib/s3/lifecycle";
import { RECLAIM_RULE_ID } from "@/lib/s3/lifecycle-rules";
import { listUploads } from "@/lib/uploads/service";
import { rawClient } from "../support/gateway";
import { createBucket, createUpload, removeBucket, testProfile, uniqueName } from "./helpers";

// Server actions check the session through next/headers; here the signed-in user is set by the test.
const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("@/lib/auth/session", () => ({ currentUser: async () => session.user }));

const admin = testProfile("it-lc-admin");
const restricted = testProfile("it-lc-restricted", { user: "restricted" });
const raw = rawClient("admin");

/** Other rules in the shapes that break naive round trips on RGW. */
const OTHER_RULES: LifecycleRule[] = [
  { ID: "it-expire", Status: "Enabled", Filter: { Prefix: "logs/" }, Expiration: { Days: 30 } },
  { ID: "it-legacy", Status: "Enabled", Prefix: "old/", Expiration: { Days: 7 } },
  {
    ID: "it-tagged",
    Status: "Disabled",
    Filter: {
      And: {
        Prefix: "t/",
        Tags: [
          { Key: "a", Value: "b" },
          { Key: "c", Value: "d" },
        ],
      },
    },
    Expiration: { Date: new Date("2030-01-01T00:00:00Z") },
  },
  {
    ID: "it-noncurrent",
    Status: "Enabled",
    Filter: { Prefix: "nc/" },
    NoncurrentVersionExpiration: { NoncurrentDays: 3 },
    Expiration: { ExpiredObjectDeleteMarker: true },
  },
  {
    ID: "it-transition",
    Status: "Enabled",
    Filter: { Prefix: "tr/" },
    Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }],
  },
];

async function rawRules(bucket: string): Promise<LifecycleRule[] | "none"> {
  try {
    return (
      (await raw.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? []
    );
  } catch (error) {
    if (error instanceof Error && error.name === "NoSuchLifecycleConfiguration") return "none";
    throw error;
  }
}

async function rawRulesById(bucket: string): Promise<Map<string, LifecycleRule>> {
  const rules = await rawRules(bucket);
  if (rules === "none") throw new Error(`${bucket} has no lifecycle configuration`);
  return new Map(rules.map((rule) => [rule.ID ?? "", rule]));
}

/** The bucket's rules other than ours, as the raw SDK reads them. */
async function othersOf(bucket: string): Promise<LifecycleRule[]> {
  return [...(await rawRulesById(bucket)).values()].filter((rule) => rule.ID !== RECLAIM_RULE_ID);
}

const buckets: string[] = [];
function scratchBucket(): string {
  const name = uniqueName("it-lc");
  buckets.push(name);
  return name;
}

beforeEach(() => {
  session.user = null;
});

afterAll(async () => {
  for (const bucket of buckets) await removeBucket(raw, bucket);
});

describe("our abort rule next to other lifecycle rules", () => {
  const bucket = scratchBucket();
  let before: LifecycleRule[];

  beforeAll(async () => {
    await createBucket(raw, bucket);
    await raw.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: { Rules: OTHER_RULES },
      }),
    );
    before = await othersOf(bucket);
    expect(before).toHaveLength(OTHER_RULES.length);
    // What RGW answers is what every later read must keep answering, field by field.
    expect(before.find((r) => r.ID === "it-expire")).toEqual({
      ID: "it-expire",
      Status: "Enabled",
      Filter: { Prefix: "logs/" },
      Expiration: { Days: 30 },
    });
  });

  it("reads the other rules as 'no abort rule'", async () => {
    expect(await readAbortRules(admin, bucket)).toEqual({
      status: "rules",
      rules: [],
      otherRules: OTHER_RULES.length,
    });
  });

  it("adds ours; the raw SDK sees both and the others unchanged", async () => {
    const written = await setAbortRule(admin, bucket, { days: 5, prefix: "tmp/" });
    expect(written).toMatchObject({
      status: "rules",
      otherRules: OTHER_RULES.length,
      rules: [{ id: RECLAIM_RULE_ID, ours: true, days: 5, prefix: "tmp/" }],
    });

    const after = await rawRulesById(bucket);
    expect(after.size).toBe(OTHER_RULES.length + 1);
    expect(after.get(RECLAIM_RULE_ID)).toMatchObject({
      Status: "Enabled",
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 5 },
    });
    expect(await othersOf(bucket)).toEqual(before);
    // RGW's And{Prefix,Tags} answer would lose its prefix on a naive write-back.
    expect(after.get("it-tagged")?.Filter).toMatchObject({ Prefix: "t/" });

    expect(await readAbortRules(admin, bucket)).toEqual({
      status: "rules",
      otherRules: OTHER_RULES.length,
      rules: [
        { id: RECLAIM_RULE_ID, ours: true, enabled: true, days: 5, prefix: "tmp/", conditions: [] },
      ],
    });
  });

  it("editing the days changes only ours", async () => {
    await setAbortRule(admin, bucket, { days: 9, prefix: "tmp/" });
    const after = await rawRulesById(bucket);
    expect(after.get(RECLAIM_RULE_ID)?.AbortIncompleteMultipartUpload).toEqual({
      DaysAfterInitiation: 9,
    });
    expect(await othersOf(bucket)).toEqual(before);

    await setAbortRule(admin, bucket, { days: 9, prefix: "" });
    expect(await readAbortRules(admin, bucket)).toMatchObject({
      rules: [{ ours: true, days: 9, prefix: "" }],
    });
    expect(await othersOf(bucket)).toEqual(before);
  });

  it("removing ours leaves the other rules", async () => {
    const view = await removeAbortRule(admin, bucket);
    expect(view).toEqual({ status: "rules", rules: [], otherRules: OTHER_RULES.length });
    expect(await rawRules(bucket)).toEqual(before);
    // Removing again is a no-op, not an error.
    expect(await removeAbortRule(admin, bucket)).toEqual(view);
    expect(await rawRules(bucket)).toEqual(before);
  });
});

describe("a bucket whose only rule is ours", () => {
  const bucket = scratchBucket();
  beforeAll(() => createBucket(raw, bucket));

  it("starts with no configuration, and ends with none after removing ours", async () => {
    expect(await readAbortRules(admin, bucket)).toEqual({ status: "none" });
    await setAbortRule(admin, bucket, { days: 30 });
    expect(await rawRules(bucket)).toEqual([
      {
        ID: RECLAIM_RULE_ID,
        Status: "Enabled",
        Prefix: "",
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 30 },
      },
    ]);
    expect(await removeAbortRule(admin, bucket)).toEqual({ status: "none" });
    expect(await rawRules(bucket)).toBe("none"); // NoSuchLifecycleConfiguration
    expect(await readAbortRules(admin, bucket)).toEqual({ status: "none" });
  });
});

describe("the restricted key", () => {
  const bucket = scratchBucket();
  beforeAll(async () => {
    await createBucket(raw, bucket);
    await raw.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: { Rules: OTHER_RULES.slice(0, 1) },
      }),
    );
  });

  it("cannot read the rules: denied, with the permission named", async () => {
    const view = await readAbortRules(restricted, bucket);
    expect(view).toMatchObject({
      status: "denied",
      error: { code: "access-denied", s3Code: "AccessDenied", httpStatus: 403, bucket },
    });
    if (view.status !== "denied") throw new Error("expected denied");
    expect(view.error.message).toBe(
      `Access denied (AccessDenied) reading the lifecycle rules of \`${bucket}\` — the profile's key lacks s3:GetLifecycleConfiguration.`,
    );
  });

  it("cannot change them, and nothing is written", async () => {
    const before = await rawRules(bucket);
    for (const change of [
      () => setAbortRule(restricted, bucket, { days: 1 }),
      () => removeAbortRule(restricted, bucket),
    ]) {
      const error = await change().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ReclaimS3Error);
      expect((error as ReclaimS3Error).detail).toMatchObject({ code: "access-denied", bucket });
      expect((error as ReclaimS3Error).detail.message).toContain("Nothing was written");
    }
    expect(await rawRules(bucket)).toEqual(before);
  });
});

describe("server actions", () => {
  const bucket = scratchBucket();
  beforeAll(() => createBucket(raw, bucket));
  const viewer: SessionUser = {
    id: "v",
    email: "viewer@reclaim.test",
    name: "Viewer",
    role: "viewer",
  };
  const adminUser: SessionUser = {
    id: "a",
    email: "admin@reclaim.test",
    name: "Admin",
    role: "admin",
  };

  it("refuse a viewer's change and let the viewer read", async () => {
    const { bucketOverviewAction, removeAbortRuleAction, setAbortRuleAction } = await import("@/app/actions/lifecycle");
    session.user = viewer;
    expect(await setAbortRuleAction({ profileId: "local", bucket, days: 3 })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await removeAbortRuleAction({ profileId: "local", bucket })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await rawRules(bucket)).toBe("none");
    const overview = await bucketOverviewAction({ profileId: "local" });
    expect(overview.ok && overview.data.buckets.find((b) => b.bucket === bucket)?.lifecycle).toEqual({ status: "none" });
  });

  it("validate an admin's input, then write", async () => {
    const { setAbortRuleAction } = await import("@/app/actions/lifecycle");
    session.user = adminUser;
    for (const days of [0, 3651, 2.5]) {
      expect(await setAbortRuleAction({ profileId: "local", bucket, days })).toMatchObject({
        ok: false,
        error: { code: "invalid-input" },
      });
    }
    expect(
      await setAbortRuleAction({ profileId: "local", bucket, days: 1, prefix: "x".repeat(1025) }),
    ).toMatchObject({
      ok: false,
      error: { code: "invalid-input" },
    });
    expect(
      await setAbortRuleAction({ profileId: "local", bucket: "../etc", days: 1 }),
    ).toMatchObject({ ok: false, error: { code: "invalid-input" } });
    expect(await rawRules(bucket)).toBe("none");
    expect(
      await setAbortRuleAction({ profileId: "local", bucket, days: 3650, prefix: "none/" }),
    ).toMatchObject({
      ok: true,
      data: { status: "rules", rules: [{ ours: true, days: 3650, prefix: "none/" }] },
    });
    expect(await rawRules(bucket)).toHaveLength(1);
  });

  it("refuse without a session", async () => {
    const { bucketOverviewAction } = await import("@/app/actions/lifecycle");
    session.user = null;
    expect(await bucketOverviewAction({ profileId: "local" })).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
  });
});

describe("RGW's lifecycle worker", () => {
  const bucket = scratchBucket();
  beforeAll(() => createBucket(raw, bucket));

  it(
    "aborts an upload under a 1-day rule (10 s days) and listUploads no longer shows it",
    { timeout: 150_000 },
    async () => {
      const covered = await createUpload(raw, bucket, "tmp/stale.bin", [64 * 1024]);
      const outside = await createUpload(raw, bucket, "keep/other.bin", [1024]);
      const rows = [
        { bucket, key: covered.key, partsInfo: { bytes: 64 * 1024 } },
        { bucket, key: outside.key, partsInfo: { bytes: 1024 } },
      ];

      const unprotected = uncoveredUploads(rows, await readAbortRulesForBuckets(admin, [bucket]));
      expect(unprotected.uncovered).toEqual({ uploads: 2, bytes: 65 * 1024, uncounted: 0 });

      await setAbortRule(admin, bucket, { days: 1, prefix: "tmp/" });
      const protectedNow = uncoveredUploads(rows, await readAbortRulesForBuckets(admin, [bucket]));
      expect(protectedNow.covered).toEqual({ uploads: 1, bytes: 64 * 1024, uncounted: 0 });
      expect(protectedNow.uncovered).toEqual({ uploads: 1, bytes: 1024, uncounted: 0 });

      const started = Date.now();
      let remaining: string[] = [];
      while (Date.now() - started < 90_000) {
        const page = await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
        remaining = (page.Uploads ?? []).map((u) => u.Key ?? "");
        if (!remaining.includes(covered.key)) break;
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
      console.info(
        `RGW's lifecycle worker aborted the upload after ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      expect(remaining).toEqual([outside.key]); // the one outside the prefix stays

      const listing = await listUploads(admin, { buckets: [bucket] });
      expect(listing.rows.map((r) => r.key)).toEqual([outside.key]);
    },
  );
});
