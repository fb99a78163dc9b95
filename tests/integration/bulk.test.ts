// Bulk cleanup against the real gateway: the dry run must equal what the raw SDK lists, the
// job must abort exactly the selection (and prove it), and every way a job can stop early
// (failures, cancel, the endpoint going away, a restart) must leave S3 and the ledger agreeing.
import { randomBytes, randomUUID } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  PutBucketPolicyCommand,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { scratchAppDatabase, testDialect } from "../support/database";
import { profilesFile, rawClient, readGateway } from "../support/gateway";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy";
import { countParts, listUploads } from "../support/sdk";

// Our own database, set before any lib module reads the environment.
const database = await scratchAppDatabase("bulk");
process.env.RECLAIM_PROFILES_FILE ??= profilesFile;
// Short leases, so a lease that stops being renewed runs out within a test (renewed every second).
process.env.RECLAIM_JOB_LEASE_MS = "3000";

const lib = {
  preview: () => import("@/lib/jobs/preview"),
  runner: () => import("@/lib/jobs/runner"),
  service: () => import("@/lib/jobs/service"),
  store: () => import("@/lib/jobs/store"),
  profiles: () => import("@/lib/profiles"),
  db: () => import("@/lib/db"),
};

type Preview = import("@/lib/jobs/types").BulkPreview;
type Selection = import("@/lib/jobs/types").BulkSelection;
type Profile = import("@/lib/profiles").Profile;
type BulkJob = import("@/lib/jobs/types").BulkJob;

const actor = { id: "it-bulk-admin", email: "it-bulk@reclaim.test" };
const run = randomBytes(4).toString("hex");
const bucket = `it-bulk-${run}`;
/** Our own uploads in the seeded bucket the restricted key may list but not abort in. */
const logsPrefix = `it-bulk-${run}/`;

let admin: S3Client;

interface RawUpload {
  bucket: string;
  key: string;
  uploadId: string;
  initiated: string | null;
  parts: number;
  bytes: number;
}

/** What the raw SDK says is under a prefix: every upload with its parts. */
async function inventoryRaw(b: string, prefix: string): Promise<RawUpload[]> {
  const listed = await listUploads(admin, b, prefix);
  return Promise.all(
    listed.map(async (u) => ({ bucket: b, key: u.key, uploadId: u.uploadId, initiated: u.initiated?.toISOString() ?? null, ...(await countParts(admin, u)) })),
  );
}

async function createUploads(b: string, prefix: string, sizes: number[][]): Promise<RawUpload[]> {
  return Promise.all(
    sizes.map(async (partSizes, i) => {
      const key = `${prefix}${String(i).padStart(3, "0")}.bin`;
      const created = await admin.send(new CreateMultipartUploadCommand({ Bucket: b, Key: key }));
      const uploadId = created.UploadId ?? "";
      for (const [n, size] of partSizes.entries()) {
        await admin.send(new UploadPartCommand({ Bucket: b, Key: key, UploadId: uploadId, PartNumber: n + 1, Body: randomBytes(size) }));
      }
      return { bucket: b, key, uploadId, initiated: null, parts: partSizes.length, bytes: partSizes.reduce((a, s) => a + s, 0) };
    }),
  );
}

function sameSize(n: number, parts: number[]): number[][] {
  return Array.from({ length: n }, () => [...parts]);
}

async function abortRaw(u: { bucket: string; key: string; uploadId: string }): Promise<void> {
  await admin.send(new AbortMultipartUploadCommand({ Bucket: u.bucket, Key: u.key, UploadId: u.uploadId })).catch(() => undefined);
}

async function until<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function profile(id: "local" | "local-restricted"): Promise<Profile> {
  return (await lib.profiles()).getProfile(id);
}

/** The "local" profile through a loopback proxy (faults, or the endpoint going away). */
async function viaProxy(proxy: FaultProxy, id: string): Promise<Profile> {
  return { ...(await profile("local")), id, endpoint: proxy.url };
}

async function previewOf(p: Profile, selection: Selection): Promise<Preview> {
  const { startPreview, waitForPreview } = await lib.preview();
  const entry = startPreview(p, selection, actor.id);
  const state = await waitForPreview(entry.id, actor.id);
  if (state?.status !== "ready") throw new Error(`preview did not resolve: ${JSON.stringify(state)}`);
  return state.preview;
}

async function startFrom(preview: Preview, confirmCount: number, options: import("@/lib/jobs/runner").RunnerOptions = {}, includeActive = false): Promise<BulkJob> {
  return (await lib.service()).startJobFromPreview({ previewId: preview.previewId, actor, includeActive, confirmCount, options });
}

/** What `work` rejects with (undefined when it resolves). */
async function rejectionOf(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => undefined,
    (error: unknown) => error,
  );
}

async function finished(jobId: string): Promise<BulkJob> {
  const { jobSettled, readJob } = await lib.runner();
  await jobSettled(jobId);
  const job = await readJob(jobId);
  if (!job) throw new Error("job vanished");
  return job;
}

async function db() {
  return (await lib.db()).getDb();
}

async function ledgerRows(jobId: string) {
  return (await db()).selectFrom("abort_attempt").selectAll().where("job_id", "=", jobId).orderBy("id").execute();
}

async function allItems(jobId: string) {
  return (await (await lib.store()).listItems(jobId, { limit: 500 })).items;
}

function ids(list: { uploadId: string }[]): string[] {
  return list.map((u) => u.uploadId).sort();
}

beforeAll(async () => {
  readGateway(); // refuses a non-loopback endpoint
  admin = rawClient("admin");
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  // The restricted key may list, read parts and abort in our bucket (in reclaim-logs it may not abort).
  const restricted = readGateway().users.restricted.uid;
  await admin.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: [`arn:aws:iam:::user/${restricted}`] },
            Action: ["s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
            Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
          },
        ],
      }),
    }),
  );
});

afterAll(async () => {
  if (!admin) return;
  for (const u of await listUploads(admin, bucket, "").catch(() => [])) await abortRaw(u);
  for (const u of await listUploads(admin, "reclaim-logs", logsPrefix).catch(() => [])) await abortRaw(u);
  await admin.send(new DeleteBucketPolicyCommand({ Bucket: bucket })).catch(() => undefined);
  await admin.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  admin.destroy();
  await database.drop();
});

describe("dry run", () => {
  it("counts exactly what ListMultipartUploads + ListParts show, per bucket, with the active ones apart", async () => {
    const sizes = [[], [1024], [2048, 100], [5000, 5000, 7], [64 * 1024], [1], [3000, 3000]];
    await createUploads(bucket, "dry/", sizes);
    await createUploads(bucket, "dry-not/", sameSize(3, [10]));
    await createUploads(bucket, "other/dry/", sameSize(2, [10]));
    const raw = await inventoryRaw(bucket, "dry/");
    expect(raw).toHaveLength(sizes.length);
    const rawParts = raw.reduce((a, u) => a + u.parts, 0);
    const rawBytes = raw.reduce((a, u) => a + u.bytes, 0);
    const initiated = raw.map((u) => u.initiated ?? "").sort();

    const local = await profile("local");
    // No activity check: everything under the prefix is eligible.
    const all = await previewOf(local, { profileId: "local", buckets: [bucket], key: "dry/", keyMatch: "prefix", activeWithinMinutes: 0 });
    expect(all.eligible.totals).toMatchObject({ count: raw.length, parts: rawParts, bytes: rawBytes, partsUnknown: 0 });
    expect(all.eligible.totals.oldestInitiated).toBe(initiated[0]);
    expect(all.eligible.totals.newestInitiated).toBe(initiated.at(-1));
    expect(all.eligible.buckets).toEqual([expect.objectContaining({ bucket, count: raw.length, parts: rawParts, bytes: rawBytes })]);
    expect(all.active.totals.count).toBe(0);

    // The default window: uploads written to just now look active and are kept apart.
    const fresh = await previewOf(local, { profileId: "local", buckets: [bucket], key: "dry/", keyMatch: "prefix", activeWithinMinutes: 15 });
    expect(fresh.eligible.totals.count).toBe(0);
    expect(fresh.active.totals).toMatchObject({ count: raw.length, parts: rawParts, bytes: rawBytes });
    expect(fresh.withActive.totals).toMatchObject({ count: raw.length, parts: rawParts, bytes: rawBytes });
    expect(ids(fresh.activeUploads)).toEqual(ids(raw));

    // "contains" matches anywhere in the key (every bucket of the profile is listed).
    const contains = await previewOf(local, { profileId: "local", key: `dry/`, keyMatch: "contains", buckets: [bucket], activeWithinMinutes: 0 });
    expect(contains.eligible.totals.count).toBe(raw.length + 2);

    // Size: at least 4 KiB.
    const big = await previewOf(local, { profileId: "local", buckets: [bucket], key: "dry/", keyMatch: "prefix", largerThanBytes: 4096, activeWithinMinutes: 0 });
    const rawBig = raw.filter((u) => u.bytes >= 4096);
    expect(big.eligible.totals).toMatchObject({ count: rawBig.length, bytes: rawBig.reduce((a, u) => a + u.bytes, 0) });

    // Age: nothing we just created is a day old; idle for an hour: none either.
    const old = await previewOf(local, { profileId: "local", buckets: [bucket], key: "dry/", keyMatch: "prefix", olderThanMs: 86_400_000, activeWithinMinutes: 0 });
    expect(old.eligible.totals.count).toBe(0);
    const idle = await previewOf(local, { profileId: "local", buckets: [bucket], key: "dry/", keyMatch: "prefix", idleForMs: 3_600_000, activeWithinMinutes: 0 });
    expect(idle.eligible.totals.count).toBe(0);

    // A dry run changes nothing.
    expect(ids(await listUploads(admin, bucket, "dry/"))).toEqual(ids(raw));
  });

  it("explicit refs (a table selection): chosen uploads gone since are counted and named, not dropped", async () => {
    const made = await createUploads(bucket, "refs/", [[100], [200, 300], [400]]);
    const [kept1, gone, kept2] = made;
    if (!kept1 || !gone || !kept2) throw new Error("uploads not created");
    await abortRaw(gone);
    const never = { bucket, key: "refs/never-existed", uploadId: "2~no-such-upload" };
    const refs = [kept1, gone, kept2, never].map(({ bucket: b, key, uploadId }) => ({ bucket: b, key, uploadId }));
    const preview = await previewOf(await profile("local"), {
      profileId: "local",
      refs,
      activeWithinMinutes: 0,
      origin: { from: "table", chosen: refs.length },
    });
    expect(preview.eligible.totals).toMatchObject({ count: 2, parts: 2, bytes: 500 });
    expect(ids(preview.sample)).toEqual(ids([kept1, kept2]));
    expect(preview.missingRefs).toBe(2);
    expect(ids(preview.missingUploads)).toEqual(ids([gone, never]));
    expect(preview.selection.origin).toEqual({ from: "table", chosen: 4 });
  });
});

describe("bulk job", () => {
  it("refuses a count that is not the previewed one, then aborts exactly the selection and records it", async () => {
    await createUploads(bucket, "job/", [[1000], [2000, 2000], [], [10, 20, 30], [4096], [1], [7, 7], [333]]);
    await createUploads(bucket, "keep/", sameSize(3, [50]));
    const raw = await inventoryRaw(bucket, "job/");
    const keep = await inventoryRaw(bucket, "keep/");
    const local = await profile("local");
    const preview = await previewOf(local, { profileId: "local", buckets: [bucket], key: "job/", keyMatch: "prefix", activeWithinMinutes: 0 });
    expect(preview.eligible.totals.count).toBe(raw.length);

    const { startJobFromPreview } = await lib.service();
    const wrong = await rejectionOf(startJobFromPreview({ previewId: preview.previewId, actor, includeActive: false, confirmCount: raw.length + 1 }));
    expect(wrong).toMatchObject({ code: "selection-changed", message: expect.stringMatching(/the selection changed — preview again/i) });

    const job = await startFrom(preview, raw.length);
    expect(job.total).toBe(raw.length);
    expect(job.bytesSelected).toBe(raw.reduce((a, u) => a + u.bytes, 0));
    // A preview starts one job only.
    expect(await rejectionOf(startJobFromPreview({ previewId: preview.previewId, actor, includeActive: false, confirmCount: raw.length }))).toMatchObject({
      code: "preview-expired",
    });

    const done = await finished(job.id);
    expect(done.status).toBe("done");
    expect(done.done).toBe(raw.length);
    expect(done.counts.reclaimed).toBe(raw.length);
    expect(done.bytesReclaimed).toBe(raw.reduce((a, u) => a + u.bytes, 0));
    expect(done.message).toBeNull();

    // S3: none of them, all the others intact.
    expect(await listUploads(admin, bucket, "job/")).toEqual([]);
    expect(await inventoryRaw(bucket, "keep/")).toEqual(keep);

    // Ledger: one row per upload, reclaimed, with the parts snapshot; each item points at its row.
    const rows = await ledgerRows(job.id);
    expect(rows.map((r) => r.upload_id).sort()).toEqual(ids(raw));
    expect(rows.every((r) => r.outcome === "reclaimed")).toBe(true);
    for (const u of raw) {
      const row = rows.find((r) => r.upload_id === u.uploadId);
      expect(row).toMatchObject({ bucket, key: u.key, parts_before: u.parts, bytes_before: u.bytes });
    }
    const items = await allItems(job.id);
    expect(items.every((i) => i.state === "reclaimed" && i.ledgerId !== null)).toBe(true);
    expect(new Set(items.map((i) => i.ledgerId))).toEqual(new Set(rows.map((r) => r.id)));
  });

  it("reports each outcome of a mixed batch and finishes with failures, never done", async () => {
    const [valid1, valid2, goneLater] = await createUploads(bucket, "mixed/", [[100], [200, 200], [300]]);
    const [inLogs] = await createUploads("reclaim-logs", logsPrefix, [[400]]);
    if (!valid1 || !valid2 || !goneLater || !inLogs) throw new Error("uploads not created");
    // The restricted key, in a profile that does not limit its buckets (the key's permissions decide).
    const { buckets: _listed, ...restrictedKey } = await profile("local-restricted");
    const restricted: Profile = { ...restrictedKey, id: "it-bulk-restricted-key" };
    const refs = [valid1, valid2, goneLater, inLogs].map(({ bucket: b, key, uploadId }) => ({ bucket: b, key, uploadId }));
    const preview = await previewOf(restricted, { profileId: restricted.id, refs, activeWithinMinutes: 0 });
    expect(preview.eligible.totals).toMatchObject({ count: 4, parts: 5, bytes: 1200 });
    expect(preview.eligible.buckets.map((b) => b.bucket).sort()).toEqual([bucket, "reclaim-logs"].sort());

    await abortRaw(goneLater); // another admin gets there first
    const job = await finished((await startFrom(preview, 4)).id);
    expect(job.status).toBe("finished-with-failures");
    expect(job.counts).toMatchObject({ reclaimed: 2, "already-gone": 1, denied: 1, failed: 0, "verify-failed": 0 });
    expect(job.message).toMatch(/1 denied/);
    expect(job.bytesReclaimed).toBe(500);

    const items = await allItems(job.id);
    const state = (u: { uploadId: string }) => items.find((i) => i.uploadId === u.uploadId);
    expect(state(valid1)?.state).toBe("reclaimed");
    expect(state(valid2)?.state).toBe("reclaimed");
    expect(state(goneLater)?.state).toBe("already-gone");
    expect(state(inLogs)).toMatchObject({ state: "denied", errorCode: "access-denied" });
    expect(state(inLogs)?.errorMessage).toMatch(/Access denied .*s3:AbortMultipartUpload/);

    // The denied upload is untouched; the ledger says the same as the items.
    expect(ids(await listUploads(admin, "reclaim-logs", logsPrefix))).toEqual([inLogs.uploadId]);
    expect(await listUploads(admin, bucket, "mixed/")).toEqual([]);
    const rows = await ledgerRows(job.id);
    expect(Object.fromEntries(rows.map((r) => [r.upload_id, r.outcome]))).toEqual({
      [valid1.uploadId]: "reclaimed",
      [valid2.uploadId]: "reclaimed",
      [goneLater.uploadId]: "already-gone",
      [inLogs.uploadId]: "denied",
    });
  });

  it("cancel: items not started stay untouched and skipped; aborted ones stay aborted and recorded", async () => {
    const proxy = await startFaultProxy(readGateway().endpoint);
    try {
      proxy.addFault({ match: "AbortMultipartUpload", action: { type: "delay", ms: 150 } });
      await createUploads(bucket, "cancel/", sameSize(16, [64]));
      const p = await viaProxy(proxy, "it-bulk-cancel");
      const preview = await previewOf(p, { profileId: p.id, buckets: [bucket], key: "cancel/", keyMatch: "prefix", activeWithinMinutes: 0 });
      expect(preview.eligible.totals.count).toBe(16);
      const job = await startFrom(preview, 16, { concurrency: 2 });

      const { cancelJob, readJob } = await lib.runner();
      await until(() => readJob(job.id), (j) => (j?.counts.reclaimed ?? 0) >= 3);
      const cancelling = await cancelJob(job.id);
      expect(cancelling.status).toBe("cancelling");
      const done = await finished(job.id);

      expect(done.status).toBe("cancelled");
      expect(done.message).toMatch(/^Cancelled: /);
      const aborted = done.counts.reclaimed;
      expect(aborted).toBeGreaterThanOrEqual(3);
      expect(aborted).toBeLessThan(16);
      expect(done.counts.skipped).toBe(16 - aborted);
      expect(done.done).toBe(16);

      const items = await allItems(job.id);
      const skipped = items.filter((i) => i.state === "skipped");
      const reclaimed = items.filter((i) => i.state === "reclaimed");
      expect(skipped.every((i) => i.ledgerId === null && /cancelled/.test(i.errorMessage ?? ""))).toBe(true);
      // Later items untouched: the raw SDK still lists exactly the skipped ones.
      expect(ids(await listUploads(admin, bucket, "cancel/"))).toEqual(ids(skipped));
      // Aborted ones recorded; nothing in the ledger for the skipped ones.
      const rows = await ledgerRows(job.id);
      expect(rows.map((r) => r.upload_id).sort()).toEqual(ids(reclaimed));
      expect(rows.every((r) => r.outcome === "reclaimed")).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it("the endpoint going away: stops early, leaves the rest untouched and the ledger consistent; a re-run finishes", async () => {
    const created = await createUploads(bucket, "away/", sameSize(24, [32]));
    const first = await startFaultProxy(readGateway().endpoint);
    const p = await viaProxy(first, "it-bulk-away");
    const selection: Selection = { profileId: p.id, buckets: [bucket], key: "away/", keyMatch: "prefix", activeWithinMinutes: 0 };
    const preview = await previewOf(p, selection);
    expect(preview.eligible.totals.count).toBe(created.length);

    first.addFault({ match: "AbortMultipartUpload", action: { type: "delay", ms: 100 } });
    const job = await startFrom(preview, created.length, { concurrency: 2, unreachableLimit: 4 });
    const { readJob } = await lib.runner();
    await until(() => readJob(job.id), (j) => (j?.counts.reclaimed ?? 0) >= 4);
    await first.close(); // the gateway goes away mid-job

    const stopped = await finished(job.id);
    expect(stopped.status).toBe("failed");
    expect(stopped.message).toMatch(/in a row could not reach the endpoint/);
    expect(stopped.message).toMatch(/not attempted and left untouched/);
    const { counts } = stopped;
    expect(counts.failed).toBeGreaterThanOrEqual(4);
    expect(counts["not-attempted"]).toBeGreaterThan(0);
    expect(counts.reclaimed + counts["already-gone"] + counts.failed + counts["not-attempted"]).toBe(created.length);

    const items = await allItems(job.id);
    const failed = items.filter((i) => i.state === "failed");
    const notAttempted = items.filter((i) => i.state === "not-attempted");
    expect(failed.every((i) => i.errorCode === "unreachable" || i.errorCode === "timeout")).toBe(true);
    expect(failed.every((i) => /Cannot reach|connection to .* was lost|No answer from/.test(i.errorMessage ?? ""))).toBe(true);
    expect(notAttempted.every((i) => /Not attempted — the endpoint was unreachable/.test(i.errorMessage ?? "") && i.ledgerId === null)).toBe(true);

    // Ledger: no "unknown" rows, and no rows at all for aborts never sent.
    const rows = await ledgerRows(job.id);
    expect(rows.filter((r) => r.outcome === "unknown")).toEqual([]);
    const notSent = new Set(notAttempted.map((i) => i.uploadId));
    expect(rows.filter((r) => notSent.has(r.upload_id))).toEqual([]);
    // Untouched on S3.
    const left = ids(await listUploads(admin, bucket, "away/"));
    for (const id of notSent) expect(left).toContain(id);

    // The endpoint is back (a new proxy): the same filter finds what is left and finishes it.
    const second = await startFaultProxy(readGateway().endpoint);
    try {
      const back = await viaProxy(second, "it-bulk-away");
      const again = await previewOf(back, selection);
      expect(again.eligible.totals.count).toBe(left.length);
      expect(ids(again.sample)).toEqual(left);
      const rerun = await finished((await startFrom(again, left.length)).id);
      expect(rerun.status).toBe("done");
      expect(rerun.counts.reclaimed + rerun.counts["already-gone"]).toBe(left.length);
      expect(await listUploads(admin, bucket, "away/")).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it("retries throttled aborts a bounded number of times", async () => {
    const proxy = await startFaultProxy(readGateway().endpoint);
    try {
      const [u] = await createUploads(bucket, "slow/", [[10]]);
      const p = await viaProxy(proxy, "it-bulk-slow");
      const preview = await previewOf(p, { profileId: p.id, buckets: [bucket], key: "slow/", keyMatch: "prefix", activeWithinMinutes: 0 });
      // The SDK retries 503 SlowDown itself (4 attempts); fail two whole abortUpload calls.
      proxy.addFault({ match: "AbortMultipartUpload", action: { type: "error", status: 503, code: "SlowDown" }, times: 8 });
      const job = await finished((await startFrom(preview, 1, { throttleBaseMs: 20 })).id);
      expect(job.status).toBe("done");
      const [item] = await allItems(job.id);
      expect(item).toMatchObject({ uploadId: u?.uploadId, state: "reclaimed", attempts: 3 });
      const rows = await ledgerRows(job.id);
      expect(rows.map((r) => r.outcome)).toEqual(["failed", "failed", "reclaimed"]);
      expect(rows[0]?.error_code).toBe("SlowDown");
    } finally {
      await proxy.close();
    }
  });

  it("one job per profile at a time", async () => {
    const proxy = await startFaultProxy(readGateway().endpoint);
    try {
      proxy.addFault({ match: "AbortMultipartUpload", action: { type: "delay", ms: 200 } });
      await createUploads(bucket, "busy/", sameSize(4, [8]));
      const p = await viaProxy(proxy, "it-bulk-busy");
      const selection: Selection = { profileId: p.id, buckets: [bucket], key: "busy/", keyMatch: "prefix", activeWithinMinutes: 0 };
      const a = await previewOf(p, selection);
      const b = await previewOf(p, selection);
      const job = await startFrom(a, 4, { concurrency: 1 });
      const { startJobFromPreview } = await lib.service();
      const second = await rejectionOf(startJobFromPreview({ previewId: b.previewId, actor, includeActive: false, confirmCount: 4 }));
      expect(second).toMatchObject({ code: "job-running" });
      expect((await finished(job.id)).status).toBe("done");
    } finally {
      await proxy.close();
    }
  });

  it("two starts on one profile at the same moment (two instances, a policy and an admin): exactly one job, the other refused", async () => {
    const proxy = await startFaultProxy(readGateway().endpoint);
    try {
      proxy.addFault({ match: "AbortMultipartUpload", action: { type: "delay", ms: 200 } });
      await createUploads(bucket, "twice/", sameSize(2, [8]));
      const p = await viaProxy(proxy, "it-bulk-twice");
      const selection: Selection = { profileId: p.id, buckets: [bucket], key: "twice/", keyMatch: "prefix", activeWithinMinutes: 0 };
      const [a, b] = [await previewOf(p, selection), await previewOf(p, selection)];
      const starts = await Promise.allSettled([startFrom(a, 2), startFrom(b, 2)]);
      const started = starts.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
      const refused = starts.flatMap((s) => (s.status === "rejected" ? [s.reason as unknown] : []));
      expect(started).toHaveLength(1);
      expect(refused).toEqual([expect.objectContaining({ code: "job-running", message: expect.stringMatching(/is still .* on this profile/) })]);
      expect((await (await lib.store()).listJobs({ profileId: p.id })).map((j) => j.id)).toEqual(started.map((j) => j.id));
      expect((await finished(started[0]?.id ?? "")).status).toBe("done");
    } finally {
      await proxy.close();
    }
  });
});

describe("a preview that has aged", () => {
  it("re-reads parts only for items whose preview read is old, and skips an upload that came back to life", async () => {
    const proxy = await startFaultProxy(readGateway().endpoint);
    try {
      const p = await viaProxy(proxy, "it-bulk-stale");
      // A 3-second activity window (lib takes minutes as any number; the page offers whole
      // minutes): uploads written more than 3 s ago look idle, one written to now looks active.
      const window = 0.05;
      await createUploads(bucket, "aged-fresh/", sameSize(2, [10]));
      const stale = await createUploads(bucket, "aged-stale/", sameSize(3, [10]));
      await new Promise((resolve) => setTimeout(resolve, 3_500));
      const select = (prefix: string): Selection => ({ profileId: p.id, buckets: [bucket], key: prefix, keyMatch: "prefix", activeWithinMinutes: window });

      // Started right after its preview: the dry run's ListParts stands, no re-read.
      const freshPreview = await previewOf(p, select("aged-fresh/"));
      expect(freshPreview.eligible.totals.count).toBe(2);
      const listPartsBefore = proxy.count("ListParts");
      const freshJob = await finished((await startFrom(freshPreview, 2)).id);
      expect(freshJob.counts.reclaimed).toBe(2);
      expect(proxy.count("ListParts") - listPartsBefore).toBe(2); // the verifications only

      // From an old preview: every item is read again before its abort. One upload got a part
      // after the preview: it is skipped and left alone, the others are aborted with fresh sizes.
      const stalePreview = await previewOf(p, select("aged-stale/"));
      expect(stalePreview.eligible.totals.count).toBe(3);
      const [rewritten, revived, idle] = stale;
      if (!rewritten || !revived || !idle) throw new Error("uploads not created");
      // Two uploads come back to life: one gets a new part, the other has its part 1 written again.
      await admin.send(new UploadPartCommand({ Bucket: bucket, Key: revived.key, UploadId: revived.uploadId, PartNumber: 2, Body: randomBytes(500) }));
      await admin.send(new UploadPartCommand({ Bucket: bucket, Key: rewritten.key, UploadId: rewritten.uploadId, PartNumber: 1, Body: randomBytes(20) }));
      const before = proxy.count("ListParts");
      // "Old": the preview's reads count as older than the threshold (0 ms), as a preview
      // opened a quarter of an hour ago would with the default of a minute.
      const job = await finished((await startFrom(stalePreview, 3, { rereadPartsOlderThanMs: 0 })).id);
      expect(proxy.count("ListParts") - before).toBe(3 + 1); // 3 re-reads + 1 verification
      expect(job.counts).toMatchObject({ reclaimed: 1, "skipped-active": 2, failed: 0 });
      expect(job.status).toBe("done");
      expect(job.message).toMatch(/2 uploads were skipped: they became active after the preview/);
      const items = await allItems(job.id);
      const state = (u: { uploadId: string }) => items.find((i) => i.uploadId === u.uploadId);
      expect(state(revived)).toMatchObject({ state: "skipped-active", ledgerId: null });
      expect(state(revived)?.errorMessage).toMatch(/Skipped \(active\) — a part arrived .* after the preview/);
      expect(state(rewritten)?.state).toBe("skipped-active");
      expect(state(idle)?.state).toBe("reclaimed");
      // S3: the revived uploads untouched, with their new parts.
      expect(ids(await listUploads(admin, bucket, "aged-stale/"))).toEqual(ids([rewritten, revived]));
      expect(await countParts(admin, revived)).toEqual({ parts: 2, bytes: 510 });
      // Ledger: one row, for the upload that was aborted.
      expect((await ledgerRows(job.id)).map((r) => [r.upload_id, r.bytes_before])).toEqual([[idle.uploadId, 10]]);
    } finally {
      await proxy.close();
    }
  });
});

describe("the database failing under a running job", () => {
  /**
   * A real database failure for a test: a trigger that refuses a write when `condition` holds
   * (as a full disk or a lock would). SQLite and PostgreSQL spell triggers differently.
   */
  async function failWrites(name: string, on: { event: string; table: string }, condition: string, message: string): Promise<() => Promise<void>> {
    const target = await db();
    const run = (statement: string) => sql.raw(statement).execute(target);
    if (testDialect === "sqlite") {
      await run(`CREATE TRIGGER ${name} BEFORE ${on.event} ON ${on.table} WHEN ${condition} BEGIN SELECT RAISE(ABORT, '${message}'); END`);
      return async () => void (await run(`DROP TRIGGER IF EXISTS ${name}`));
    }
    // The lock (held to the end of the writing transaction) makes the guarded writes take turns,
    // as SQLite's one writer does, so `condition` reads what the writes before it committed.
    await run(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN PERFORM pg_advisory_xact_lock(hashtext('${name}'));
                     IF ${condition} THEN RAISE EXCEPTION '${message}'; END IF; RETURN NEW; END $$`);
    await run(`CREATE TRIGGER ${name} BEFORE ${on.event} ON ${on.table} FOR EACH ROW EXECUTE FUNCTION ${name}()`);
    return async () => {
      await run(`DROP TRIGGER IF EXISTS ${name} ON ${on.table}`);
      await run(`DROP FUNCTION IF EXISTS ${name}()`);
    };
  }

  it("writing an item's result fails: every worker stops, no second job starts meanwhile, cancel reaches them, every item's fate is recorded", async () => {
    const proxy = await startFaultProxy(readGateway().endpoint);
    let repair = async () => {};
    try {
      proxy.addFault({ match: "AbortMultipartUpload", action: { type: "delay", ms: 800 } });
      await createUploads(bucket, "dbfail/", sameSize(16, [32]));
      await createUploads(bucket, "dbfail-next/", sameSize(2, [32]));
      const p = await viaProxy(proxy, "it-bulk-dbfail");
      const preview = await previewOf(p, { profileId: p.id, buckets: [bucket], key: "dbfail/", keyMatch: "prefix", activeWithinMinutes: 0 });
      const nextPreview = await previewOf(p, { profileId: p.id, buckets: [bucket], key: "dbfail-next/", keyMatch: "prefix", activeWithinMinutes: 0 });
      // A real database failure: after three results, every further "reclaimed" item write
      // fails as a full disk would make it (the ledger's own rows still write).
      repair = await failWrites(
        "it_item_write_fails",
        { event: "UPDATE OF state", table: "bulk_job_item" },
        "NEW.state = 'reclaimed' AND (SELECT count(*) FROM bulk_job_item WHERE job_id = NEW.job_id AND state = 'reclaimed') >= 3",
        "database or disk is full",
      );
      const job = await startFrom(preview, 16, { concurrency: 4 });
      // The first four aborts answer after 0.8 s; three workers record and take the next item,
      // the fourth fails writing its result.
      await until(() => proxy.count("AbortMultipartUpload"), (n) => n >= 7);
      await new Promise((resolve) => setTimeout(resolve, 100));

      // Meanwhile (three aborts still in flight): no second job on this profile…
      const { startJobFromPreview } = await lib.service();
      const second = await rejectionOf(startJobFromPreview({ previewId: nextPreview.previewId, actor, includeActive: false, confirmCount: 2 }));
      expect(second).toMatchObject({ code: "job-running" });
      // …and cancel still reaches the workers: nothing is sent after the ones in flight.
      const { cancelJob, jobSettled, readJob } = await lib.runner();
      const sentAtCancel = proxy.count("AbortMultipartUpload");
      await cancelJob(job.id);
      await jobSettled(job.id);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(proxy.count("AbortMultipartUpload")).toBe(sentAtCancel);

      const done = await readJob(job.id);
      expect(done?.status).toBe("failed");
      expect(done?.message).toMatch(/database/i);
      const items = await allItems(job.id);
      expect(items.filter((i) => i.state === "pending" || i.state === "running")).toEqual([]);
      const rows = await ledgerRows(job.id);
      // Every abort sent had its intent written first; every aborted upload is in the ledger.
      expect(rows).toHaveLength(sentAtCancel);
      const left = new Set(ids(await listUploads(admin, bucket, "dbfail/")));
      const aborted = new Set(rows.map((r) => r.upload_id));
      for (const item of items) expect(left.has(item.uploadId), `${item.key}: ${item.state}`).toBe(!aborted.has(item.uploadId));
      // Items never started say so, and were not touched.
      const untouched = items.filter((i) => i.state === "not-attempted" || i.state === "skipped");
      expect(untouched.length).toBe(16 - sentAtCancel);
      for (const item of untouched) expect(left.has(item.uploadId)).toBe(true);
      // Those whose result could not be written say so; their ledger rows keep the outcome.
      const unwritten = items.filter((i) => i.state === "interrupted");
      expect(unwritten.length).toBeGreaterThan(0);
      for (const item of unwritten) expect(rows.find((r) => r.upload_id === item.uploadId)?.outcome).toBe("reclaimed");
      expect(items.filter((i) => i.state === "reclaimed")).toHaveLength(3);
    } finally {
      await repair();
      await proxy.close();
    }
  });

  it("writing an abort's intent fails: that abort is never sent, the job stops and says what was left untouched", async () => {
    const proxy = await startFaultProxy(readGateway().endpoint);
    let repair = async () => {};
    try {
      await createUploads(bucket, "intentfail/", sameSize(10, [16]));
      const p = await viaProxy(proxy, "it-bulk-intentfail");
      const preview = await previewOf(p, { profileId: p.id, buckets: [bucket], key: "intentfail/", keyMatch: "prefix", activeWithinMinutes: 0 });
      repair = await failWrites(
        "it_intent_fails",
        { event: "INSERT", table: "abort_attempt" },
        "NEW.job_id IS NOT NULL AND (SELECT COUNT(*) FROM abort_attempt WHERE job_id = NEW.job_id) >= 2",
        "database is locked",
      );
      const job = await finished((await startFrom(preview, 10, { concurrency: 1 })).id);
      const rows = await ledgerRows(job.id);
      expect(rows).toHaveLength(2);
      expect(proxy.count("AbortMultipartUpload")).toBe(2); // no abort without its intent
      expect(job.status).toBe("failed");
      expect(job.message).toMatch(/database/i);
      expect(job.counts).toMatchObject({ reclaimed: 2, "not-attempted": 8, failed: 0 });
      const items = await allItems(job.id);
      const notAttempted = items.filter((i) => i.state === "not-attempted");
      expect(notAttempted.every((i) => i.ledgerId === null)).toBe(true);
      expect(ids(await listUploads(admin, bucket, "intentfail/"))).toEqual(ids(notAttempted));
    } finally {
      await repair();
      await proxy.close();
    }
  });
});

describe("jobs across instances", () => {
  /** A job as an instance that died left it: its lease held by that instance until `leaseUntil`. */
  async function orphanedJob(prefix: string, sizes: number[][], leaseUntil: Date, profile?: Profile) {
    const store = await lib.store();
    const uploads = await createUploads(bucket, prefix, sizes);
    const id = randomUUID();
    const profileId = profile?.id ?? "local";
    await store.insertJob({
      id,
      actor: { id: actor.id, email: actor.email },
      profileId,
      endpointHost: new URL(profile?.endpoint ?? readGateway().endpoint).host,
      selection: { profileId, buckets: [bucket], key: prefix, keyMatch: "prefix", activeWithinMinutes: 0 },
      includeActive: false,
      runnerId: "an-instance-that-died",
      leaseUntil,
      items: uploads.map((u) => ({ ...u, initiated: null, lastPartAt: null })),
    });
    return { id, uploads };
  }

  it("another instance takes over after the lease expired, verifies what was in flight and finishes: one row and one abort per upload", async () => {
    const store = await lib.store();
    const { recordIntent, recordOutcome } = await import("@/lib/ledger/ledger");
    const { takeOverExpiredJobs } = await lib.runner();
    // The instance taking over reaches the gateway through a proxy that counts the aborts.
    const proxy = await startFaultProxy(readGateway().endpoint);
    const viaCounter = await viaProxy(proxy, "it-bulk-takeover");
    const sizes = [[1000, 24], [2048], [512, 512, 1], [77], [4096], [9, 9]];
    const { id, uploads } = await orphanedJob("takeover/", sizes, new Date(Date.now() - 1_000), viaCounter);
    const [sentNotRecorded, intentOnly, recordedNotFinished, startedNoIntent] = uploads;
    if (!sentNotRecorded || !intentOnly || !recordedNotFinished || !startedNoIntent) throw new Error("uploads not created");

    // What the dead instance had done: started the job and four items…
    await db().then((d) => d.updateTable("bulk_job").set({ status: "running", started_at: new Date().toISOString() }).where("id", "=", id).execute());
    const intent = (u: RawUpload) =>
      recordIntent({
        actor,
        profileId: viaCounter.id,
        endpointHost: new URL(viaCounter.endpoint).host,
        bucket: u.bucket,
        key: u.key,
        uploadId: u.uploadId,
        initiated: null,
        partsBefore: u.parts,
        bytesBefore: u.bytes,
        jobId: id,
      });
    await db().then((d) => d.updateTable("bulk_job_item").set({ state: "running" }).where("job_id", "=", id).where("seq", "<", 4).execute());
    // …0: intent written, abort sent, then it died before recording the outcome;
    await intent(sentNotRecorded);
    await abortRaw(sentNotRecorded);
    // 1: intent written, died before sending the abort;
    await intent(intentOnly);
    // 2: abort sent and recorded, died before finishing the item;
    await abortRaw(recordedNotFinished);
    await recordOutcome(await intent(recordedNotFinished), { outcome: "reclaimed", attempts: 1, durationMs: 5 });
    // 3: marked running, died before writing the intent. 4 and 5: not started.

    try {
      expect(await takeOverExpiredJobs({ profiles: () => viaCounter })).toEqual([id]);
      const done = await finished(id);
      expect(done.status).toBe("done");
      // Item 0's upload is gone, but its abort's own verification was lost with its instance:
      // nothing proves that abort ended it, so it is not counted (gone (cause unknown)).
      expect(done.counts).toMatchObject({ reclaimed: uploads.length - 1, "already-gone": 1 });
      const total = uploads.reduce((a, u) => a + u.bytes, 0);
      expect(done.bytesReclaimed).toBe(total - sentNotRecorded.bytes);
      // One abort for each of items 1, 3, 4 and 5; none for 0 and 2, already aborted.
      const abortsOf = (u: RawUpload) =>
        proxy.requests.filter((r) => r.kind === "AbortMultipartUpload" && r.query.get("uploadId") === u.uploadId).length;
      expect(uploads.map(abortsOf)).toEqual([0, 1, 0, 1, 1, 1]);
    } finally {
      await proxy.close();
    }

    // Exactly one final row per upload, their bytes what ListParts showed: reclaimed, except
    // the one whose outcome was lost (gone (cause unknown), on its own row).
    const rows = await ledgerRows(id);
    expect(rows.map((r) => r.upload_id).sort()).toEqual(ids(uploads));
    const outcomeOf = (u: RawUpload) => rows.find((r) => r.upload_id === u.uploadId)?.outcome;
    expect(uploads.map(outcomeOf)).toEqual(uploads.map((u) => (u === sentNotRecorded ? "gone-unknown" : "reclaimed")));
    for (const u of uploads) expect(rows.find((r) => r.upload_id === u.uploadId)).toMatchObject({ parts_before: u.parts, bytes_before: u.bytes });
    expect(await listUploads(admin, bucket, "takeover/")).toEqual([]);
    const items = await allItems(id);
    expect(items.map((i) => i.state)).toEqual(uploads.map((u) => (u === sentNotRecorded ? "already-gone" : "reclaimed")));
    expect(items[0]?.errorMessage).toMatch(/not counted as reclaimed/);
    expect(new Set(items.map((i) => i.ledgerId))).toEqual(new Set(rows.map((r) => r.id)));
    // Taken once: nothing left to take.
    expect(await takeOverExpiredJobs()).toEqual([]);
    expect((await store.unfinishedJobs("local")).map((j) => j.id)).not.toContain(id);
  });

  it("a takeover that fails reading the job ends its run: the lease is no longer renewed, another instance takes the job over", async () => {
    const { takeOverExpiredJobs, jobSettled } = await lib.runner();
    const store = await lib.store();
    const { id, uploads } = await orphanedJob("takeover-fails/", sameSize(2, [10]), new Date(Date.now() - 1_000));
    // A real database error while the job is read to resume it: a column it reads is missing.
    const target = await db();
    const renameColumn = (from: string, to: string) => sql.raw(`ALTER TABLE bulk_job RENAME COLUMN ${from} TO ${to}`).execute(target);
    await renameColumn("endpoint_host", "endpoint_host_moved");
    let repaired = false;
    try {
      expect(await takeOverExpiredJobs()).toEqual([id]);
      // Its run here ended on the error (logged; `done` resolves, never an unhandled rejection)…
      await expect(jobSettled(id)).resolves.toBeUndefined();
      await renameColumn("endpoint_host_moved", "endpoint_host");
      repaired = true;
      // …so nothing renews its lease: it runs out, and another instance takes the job over.
      const leaseMs = (await import("@/lib/env")).getEnv().RECLAIM_JOB_LEASE_MS;
      const taken = await until(() => store.claimExpiredJob("another-instance", 60_000), (claimed) => claimed !== null, 3 * leaseMs);
      expect(taken).toBe(id);
    } finally {
      if (!repaired) await renameColumn("endpoint_host_moved", "endpoint_host");
    }
    // That instance dies in turn; this one takes the job over again and finishes it.
    await target.updateTable("bulk_job").set({ lease_expires_at: new Date(Date.now() - 1).toISOString() }).where("id", "=", id).execute();
    expect(await takeOverExpiredJobs()).toEqual([id]);
    const done = await finished(id);
    expect(done).toMatchObject({ status: "done", counts: expect.objectContaining({ reclaimed: uploads.length }) });
    expect(await listUploads(admin, bucket, "takeover-fails/")).toEqual([]);
  });

  it("a job whose lease is still held is left to its instance; cancel from another instance stops it there", async () => {
    const { takeOverExpiredJobs } = await lib.runner();
    const held = await orphanedJob("held/", sameSize(2, [10]), new Date(Date.now() + 60_000));
    expect(await takeOverExpiredJobs()).toEqual([]);
    expect(ids(await listUploads(admin, bucket, "held/"))).toEqual(ids(held.uploads));
    // Cancelling it from here only marks it; its holder settles it.
    const { cancelJob } = await lib.runner();
    const cancelled = await cancelJob(held.id);
    expect(cancelled.status).toBe("cancelling");
    expect(ids(await listUploads(admin, bucket, "held/"))).toEqual(ids(held.uploads));
    // Let it go: expired, taken over, it ends cancelled with nothing touched.
    await db().then((d) => d.updateTable("bulk_job").set({ lease_expires_at: new Date(Date.now() - 1).toISOString() }).where("id", "=", held.id).execute());
    expect(await takeOverExpiredJobs()).toEqual([held.id]);
    const done = await finished(held.id);
    expect(done.status).toBe("cancelled");
    expect(done.counts.skipped).toBe(2);
    expect(ids(await listUploads(admin, bucket, "held/"))).toEqual(ids(held.uploads));
    expect(await ledgerRows(held.id)).toEqual([]);
  });

  it("a cancel written by another instance stops the running job at its next item", async () => {
    const proxy = await startFaultProxy(readGateway().endpoint);
    try {
      proxy.addFault({ match: "AbortMultipartUpload", action: { type: "delay", ms: 150 } });
      await createUploads(bucket, "remote-cancel/", sameSize(12, [16]));
      const p = await viaProxy(proxy, "it-bulk-remote-cancel");
      const preview = await previewOf(p, { profileId: p.id, buckets: [bucket], key: "remote-cancel/", keyMatch: "prefix", activeWithinMinutes: 0 });
      const job = await startFrom(preview, 12, { concurrency: 1 });
      const { readJob } = await lib.runner();
      await until(() => readJob(job.id), (j) => (j?.counts.reclaimed ?? 0) >= 2);
      // What cancelJob on another instance writes: the status only (this process's runner is not told).
      expect(await (await lib.store()).requestCancel(job.id)).toBe(true);
      const done = await finished(job.id);
      expect(done.status).toBe("cancelled");
      expect(done.counts.reclaimed + done.counts.skipped).toBe(12);
      expect(done.counts.skipped).toBeGreaterThan(0);
      const items = await allItems(job.id);
      expect(ids(await listUploads(admin, bucket, "remote-cancel/"))).toEqual(ids(items.filter((i) => i.state === "skipped")));
    } finally {
      await proxy.close();
    }
  });
});
