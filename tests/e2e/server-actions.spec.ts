// Server actions called over HTTP as an outsider would (curl-like, not through the UI), with
// the admin's real session: a profile's bucket list holds on the server for every action that
// takes a bucket; the build serves no action that no screen uses; two aborts of one upload at
// the same moment end with exactly one "reclaimed".
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetBucketLifecycleConfigurationCommand,
  ListMultipartUploadsCommand,
  PutBucketLifecycleConfigurationCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketLifecycleCommand,
  UploadPartCommand,
  type LifecycleRule,
} from "@aws-sdk/client-s3";
import { expect, test, users } from "../fixtures";
import { idempotentAbort, startFaultProxy, type FaultProxy } from "../support/fault-proxy";
import { profilesFile, rawClient, repoRoot } from "../support/gateway";
import { actionRef, builtActions, callAction, distDir, type ActionCall } from "../support/server-actions";
import { filesBelow } from "../support/secrets";

/** The admin key, limited by the profile to one bucket: the key itself reaches every bucket. */
const SCOPED = "e2e-scoped";
const ALLOWED = "reclaim-backups";
const FOREIGN = "reclaim-logs";
/** The admin key through a loopback proxy whose aborts are slow and idempotent (204 twice). */
const RACING = "e2e-racing";
/** The race runs in a bucket of its own: other specs sum the ledger per bucket name. */
const RACE_BUCKET = `e2e-race-${crypto.randomBytes(4).toString("hex")}`;

const raw = rawClient("admin");
const prefix = `e2e-actions/${crypto.randomBytes(3).toString("hex")}/`;
let originalProfiles = "";
let proxy: FaultProxy;
let adminCookie = "";
let baseURL = "";

/** Where each action the tests call is defined. */
const ACTION_FILES: Record<string, string> = {
  refreshPartsAction: "app/actions/uploads.ts",
  verifyUploadsAction: "app/actions/uploads.ts",
  abortUploadAction: "app/actions/uploads.ts",
  cleanupStatusAction: "app/actions/uploads.ts",
  previewBulk: "app/actions/bulk.ts",
  setAbortRuleAction: "app/actions/lifecycle.ts",
  removeAbortRuleAction: "app/actions/lifecycle.ts",
  listAttemptsAction: "app/actions/history.ts",
};

/** One server action POSTed over HTTP with the admin's session cookie, as curl would. */
function call(name: string, input: unknown): Promise<ActionCall> {
  const file = ACTION_FILES[name];
  if (!file) throw new Error(`say where ${name} is defined`);
  return callAction(baseURL, actionRef(file, name), input, { cookie: adminCookie });
}

interface ProfilesFile {
  profiles: { id: string; endpoint: string; credentials: unknown; buckets?: string[] }[];
}

/** Replaces the profiles file atomically; the server re-reads it when it changes. */
function writeProfiles(text: string): void {
  fs.writeFileSync(`${profilesFile}.tmp`, text);
  fs.renameSync(`${profilesFile}.tmp`, profilesFile);
}

async function createUpload(bucket: string, name: string, parts: number[] = [2_048]) {
  const key = `${prefix}${name}`;
  const created = await raw.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const uploadId = created.UploadId ?? "";
  for (const [i, size] of parts.entries()) {
    await raw.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: i + 1, Body: Buffer.alloc(size, i) }));
  }
  return { bucket, key, uploadId };
}

async function isListed(ref: { bucket: string; key: string; uploadId: string }): Promise<boolean> {
  const listed = await raw.send(new ListMultipartUploadsCommand({ Bucket: ref.bucket, Prefix: ref.key }));
  return (listed.Uploads ?? []).some((u) => u.UploadId === ref.uploadId);
}

async function lifecycleRules(bucket: string): Promise<LifecycleRule[] | null> {
  try {
    return (await raw.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
  } catch (error) {
    if ((error as { name?: string }).name === "NoSuchLifecycleConfiguration") return null;
    throw error;
  }
}

function expectRefused(answer: ActionCall, what: string): void {
  expect(answer.result, `${what}: ${answer.text.slice(0, 300)}`).toMatchObject({ ok: false, error: { code: "bucket-not-in-profile" } });
  const message = answer.result?.error?.message ?? "";
  expect(message, what).toContain(`\`${FOREIGN}\``);
  expect(message, what).toContain(SCOPED);
}

function expectOk(answer: ActionCall, what: string): void {
  expect(answer.result?.ok, `${what}: ${answer.text.slice(0, 300)}`).toBe(true);
}

test.beforeAll(async () => {
  baseURL = test.info().project.use.baseURL ?? "";
  proxy = await startFaultProxy(JSON.parse(fs.readFileSync(profilesFile, "utf8")).profiles[0].endpoint);
  proxy.addFault(idempotentAbort(400));
  originalProfiles = fs.readFileSync(profilesFile, "utf8");
  const config = JSON.parse(originalProfiles) as ProfilesFile;
  const local = config.profiles.find((p) => p.id === "local");
  if (!local) throw new Error("the profiles file has no local profile");
  config.profiles.push(
    { ...local, id: SCOPED, label: "Admin key, backups only", buckets: [ALLOWED] } as ProfilesFile["profiles"][number],
    { ...local, id: RACING, label: "Admin key through a slow, idempotent proxy", endpoint: proxy.url } as ProfilesFile["profiles"][number],
  );
  writeProfiles(JSON.stringify(config));
  const state = JSON.parse(fs.readFileSync(users.admin.state, "utf8")) as { cookies: { name: string; value: string }[] };
  adminCookie = state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
});

test.afterAll(async () => {
  if (originalProfiles) writeProfiles(originalProfiles);
  await proxy?.close();
  for (const bucket of [ALLOWED, FOREIGN, RACE_BUCKET]) {
    const listed = await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix })).catch(() => null);
    for (const u of listed?.Uploads ?? []) {
      await raw.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId })).catch(() => undefined);
    }
  }
  await raw.send(new DeleteBucketCommand({ Bucket: RACE_BUCKET })).catch(() => undefined);
});

test("a profile's bucket list holds on the server for every action that takes a bucket, whatever the key could reach", async () => {
  test.setTimeout(120_000);
  const foreign = await createUpload(FOREIGN, "foreign.bin");
  const allowed = await createUpload(ALLOWED, "allowed.bin");
  const lifecycleBefore = await lifecycleRules(FOREIGN);

  try {
    // Reads: parts, verification, abort rules, the dry run — by bucket list and by upload.
    expectOk(await call("refreshPartsAction", { profileId: SCOPED, uploads: [allowed] }), "refresh, allowed bucket");
    expectRefused(await call("refreshPartsAction", { profileId: SCOPED, uploads: [allowed, foreign] }), "refresh");
    expectOk(await call("verifyUploadsAction", { profileId: SCOPED, uploads: [allowed] }), "verify, allowed bucket");
    expectRefused(await call("verifyUploadsAction", { profileId: SCOPED, uploads: [foreign] }), "verify");
    expectOk(await call("cleanupStatusAction", { profileId: SCOPED, buckets: [ALLOWED] }), "cleanup status, allowed bucket");
    expectRefused(await call("cleanupStatusAction", { profileId: SCOPED, buckets: [ALLOWED, FOREIGN] }), "cleanup status");
    expectOk(await call("previewBulk", { profileId: SCOPED, buckets: [ALLOWED], key: prefix, activeWithinMinutes: 0 }), "preview, allowed bucket");
    expectRefused(await call("previewBulk", { profileId: SCOPED, buckets: [FOREIGN], activeWithinMinutes: 0 }), "preview by bucket");
    expectRefused(await call("previewBulk", { profileId: SCOPED, refs: [foreign], activeWithinMinutes: 0 }), "preview by upload");

    // Writes: the abort and the abort rule. Nothing may change on the foreign bucket.
    expectRefused(await call("abortUploadAction", { profileId: SCOPED, upload: foreign }), "abort");
    expect(await isListed(foreign)).toBe(true);
    expectRefused(await call("setAbortRuleAction", { profileId: SCOPED, bucket: FOREIGN, days: 2, prefix: "" }), "set abort rule");
    expectRefused(await call("removeAbortRuleAction", { profileId: SCOPED, bucket: FOREIGN }), "remove abort rule");
    expect(await lifecycleRules(FOREIGN)).toEqual(lifecycleBefore);

    // The same key under the unrestricted profile reaches it: the refusals are the profile's doing.
    expectOk(await call("refreshPartsAction", { profileId: "local", uploads: [foreign] }), "refresh under local");
    const aborted = await call("abortUploadAction", { profileId: "local", upload: foreign });
    expect(aborted.result).toMatchObject({ ok: true, data: { outcome: "reclaimed" } });
    expect(await isListed(foreign)).toBe(false);
  } finally {
    const now = await lifecycleRules(FOREIGN);
    if (JSON.stringify(now) !== JSON.stringify(lifecycleBefore)) {
      if (lifecycleBefore === null) await raw.send(new DeleteBucketLifecycleCommand({ Bucket: FOREIGN }));
      else await raw.send(new PutBucketLifecycleConfigurationCommand({ Bucket: FOREIGN, LifecycleConfiguration: { Rules: lifecycleBefore } }));
    }
  }
});

test("the build serves exactly the server actions a screen uses", () => {
  const served = builtActions();
  // Every action the server answers is called from some page's browser code…
  const clientCode = filesBelow(path.join(distDir, "static"))
    .filter((file) => file.endsWith(".js"))
    .map((file) => fs.readFileSync(file, "utf8"))
    .join("\n");
  expect(served.filter((action) => !clientCode.includes(action.id)).map((a) => a.exportedName)).toEqual([]);
  // …and every action the source defines is one of them: none is left as an unused endpoint.
  const actionsDir = path.join(repoRoot, "app", "actions");
  const defined = fs
    .readdirSync(actionsDir)
    .flatMap((file) => [...fs.readFileSync(path.join(actionsDir, file), "utf8").matchAll(/export const (\w+) = defineAction\(/g)].map((m) => `${file}:${m[1]}`));
  expect(defined.length).toBeGreaterThan(0);
  const servedNames = new Set(served.map((a) => `${path.basename(a.file)}:${a.exportedName}`));
  expect(defined.filter((name) => !servedNames.has(name))).toEqual([]);
});

test("two aborts of one upload sent at the same moment end with exactly one reclaimed and one already gone", async () => {
  test.setTimeout(60_000);
  await raw.send(new CreateBucketCommand({ Bucket: RACE_BUCKET }));
  const target = await createUpload(RACE_BUCKET, "raced.bin", [3_000, 1_000]);
  const [first, second] = await Promise.all([
    call("abortUploadAction", { profileId: RACING, upload: target }),
    call("abortUploadAction", { profileId: RACING, upload: target }),
  ]);
  const outcomes = [first, second].map((answer) => (answer.result?.ok ? (answer.result.data as { outcome: string }).outcome : answer.text.slice(0, 200)));
  expect(outcomes.sort()).toEqual(["already-gone", "reclaimed"]);
  expect(await isListed(target)).toBe(false);

  // The ledger says the same: one reclaimed row (its bytes counted once), one already gone.
  const history = await call("listAttemptsAction", { filter: { profileId: RACING, bucket: RACE_BUCKET }, page: 1 });
  expectOk(history, "history");
  const rows = (history.result as { data: { entries: { uploadId: string; outcome: string; bytesBefore: number }[] } }).data.entries.filter(
    (row) => row.uploadId === target.uploadId,
  );
  expect(rows.map((row) => row.outcome).sort()).toEqual(["already-gone", "reclaimed"]);
  expect(rows.find((row) => row.outcome === "reclaimed")?.bytesBefore).toBe(4_000);
});
