// Cleanup policies against the real gateway, run by the real scheduler on fast schedules
// (cron with seconds): a report policy aborts nothing and notifies; an abort policy aborts
// exactly the matching idle uploads and leaves one that received a part during the run; the
// cap stops a run before any abort; a paused policy stops its job at the next item; a run
// missed while the scheduler was down runs once when it starts; webhooks reach receivers on
// loopback, once, also through a receiver that fails twice first. Bad input saves nothing.
//
// "Idle for an hour" needs uploads that are old: they are created through the gateway running
// on a clock two hours back (faketime), then the gateway runs on the real clock again.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { CreateBucketCommand, CreateMultipartUploadCommand, UploadPartCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchAppDatabase } from "../support/database";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy";
import { profilesFile, rawClient, repoRoot, testInstance } from "../support/gateway";
import { countParts, listUploads } from "../support/sdk";
import { removeBucket } from "./helpers";

// Our own database (SQLite or PostgreSQL, as the run is configured), profiles (the gateway's,
// plus one through a loopback proxy) and webhooks, set before any lib module reads the
// environment.
const database = await scratchAppDatabase("policies");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "reclaim-it-policies-"));
process.env.RECLAIM_PROFILES_FILE = path.join(scratch, "profiles.json");
process.env.RECLAIM_WEBHOOKS_FILE = path.join(scratch, "webhooks.json");
process.env.IT_SLACK_WEBHOOK_URL = "";
// Links in notifications point here (nothing listens: only the text is checked).
process.env.BETTER_AUTH_URL = "http://127.0.0.1:9/";

const lib = {
  service: () => import("@/lib/policies/service"),
  store: () => import("@/lib/policies/store"),
  scheduler: () => import("@/lib/policies/scheduler"),
  run: () => import("@/lib/policies/run"),
  lease: () => import("@/lib/lease"),
  form: () => import("@/lib/policies/form"),
  jobs: () => import("@/lib/jobs/store"),
  runner: () => import("@/lib/jobs/runner"),
  db: () => import("@/lib/db"),
};

type PolicyForm = import("@/lib/policies/form").PolicyForm;
type Policy = import("@/lib/policies/types").Policy;
type PolicyRun = import("@/lib/policies/types").PolicyRun;

const admin = { id: "it-policy-admin", email: "ops@reclaim.test" };
const bucket = `it-pol-${randomBytes(4).toString("hex")}`;
let raw: S3Client;
let proxy: FaultProxy;

// ---------------------------------------------------------------- webhook receivers

interface Received {
  path: string;
  body: Record<string, unknown>;
  answered: number;
}
const received: Received[] = [];
let receiverUrl = "";
let receiver: http.Server;

function runIdOf(body: Record<string, unknown>): string | undefined {
  const run = body.run as { id?: string } | undefined;
  if (run?.id) return run.id;
  // Slack payloads carry only text: the report link names the run.
  return typeof body.text === "string" ? /[?&]run=([0-9a-f-]+)/.exec(body.text)?.[1] : undefined;
}

async function startReceiver(): Promise<void> {
  const failuresLeft = new Map<string, number>();
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
      let status = 200;
      if (req.url === "/flaky") {
        // Fails the first two deliveries of each run, then accepts.
        const key = runIdOf(body) ?? "?";
        const left = failuresLeft.get(key) ?? 2;
        if (left > 0) status = 503;
        failuresLeft.set(key, left - 1);
      }
      received.push({ path: req.url ?? "", body, answered: status });
      res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "busy");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
}

function writeWebhooks(webhooks: unknown[]): void {
  const file = process.env.RECLAIM_WEBHOOKS_FILE ?? "";
  fs.writeFileSync(file, JSON.stringify({ webhooks }));
  // The loader re-reads the file when its mtime changes: make sure it does.
  const stamp = new Date(Date.now() + Math.floor(Math.random() * 1_000_000));
  fs.utimesSync(file, stamp, stamp);
}

function goodWebhooks(): unknown[] {
  return [
    { id: "receiver", format: "json", url: `${receiverUrl}/json` },
    { id: "chat", format: "slack", url: { env: "IT_SLACK_WEBHOOK_URL" } },
    { id: "flaky", format: "json", url: `${receiverUrl}/flaky` },
  ];
}

// ---------------------------------------------------------------- uploads

interface Made {
  bucket: string;
  key: string;
  uploadId: string;
}

async function makeUpload(key: string, partSizes: number[], client = raw): Promise<Made> {
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const uploadId = created.UploadId ?? "";
  for (const [i, size] of partSizes.entries()) {
    await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: i + 1, Body: randomBytes(size) }));
  }
  return { bucket, key, uploadId };
}

async function addPart(upload: Made, partNumber: number, size: number): Promise<void> {
  await raw.send(new UploadPartCommand({ Bucket: upload.bucket, Key: upload.key, UploadId: upload.uploadId, PartNumber: partNumber, Body: randomBytes(size) }));
}

function restartGateway(offset?: string): void {
  execFileSync("bash", [path.join(repoRoot, "scripts/gateway.sh"), "restart-rgw", testInstance, ...(offset ? [offset] : [])], { stdio: "inherit" });
}

/** What the raw SDK lists under a prefix, with parts. */
async function inventory(prefix: string) {
  const listed = await listUploads(raw, bucket, prefix);
  return Promise.all(listed.map(async (u) => ({ key: u.key, uploadId: u.uploadId, ...(await countParts(raw, u)) })));
}

const aged: Record<"report" | "abort" | "cap" | "stop" | "missed" | "moved", Made[]> = { report: [], abort: [], cap: [], stop: [], missed: [], moved: [] };
let fresh: Made;

// ---------------------------------------------------------------- helpers

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function policyForm(patch: Partial<PolicyForm>, filter: Partial<PolicyForm["filter"]>): Promise<PolicyForm> {
  const base = (await lib.form()).emptyPolicyForm("local");
  return {
    ...base,
    schedule: "*/2 * * * * *",
    timeZone: "UTC",
    ...patch,
    filter: { ...base.filter, buckets: [bucket], keyMatch: "prefix", minAge: "", idle: "1h", active: "60", ...filter },
  };
}

async function create(patch: Partial<PolicyForm>, filter: Partial<PolicyForm["filter"]>): Promise<Policy> {
  const created = await (await lib.service()).createPolicy(await policyForm(patch, filter), admin);
  if (!created.ok) throw new Error(created.error.message);
  return created.data;
}

async function runs(policyId: string): Promise<PolicyRun[]> {
  return (await lib.store()).listRuns(policyId, 100);
}

/** The first run of the policy, once finished (webhooks delivered), and the policy paused. */
async function firstFinishedRun(policy: Policy): Promise<PolicyRun> {
  const first = await until(
    async () => (await runs(policy.id)).at(-1),
    (run) => run !== undefined,
  );
  await (await lib.run()).runSettled(first!.id);
  await (await lib.service()).setPolicyPaused(policy.id, true, admin);
  const run = await (await lib.store()).getRun(first!.id);
  if (!run || run.status === "running") throw new Error(`run did not finish: ${JSON.stringify(run)}`);
  return run;
}

async function ledgerRows(jobId: string) {
  const db = await (await lib.db()).getDb();
  return db
    .selectFrom("abort_attempt")
    .select(["upload_id", "outcome", "actor_email", "bytes_before", "parts_before"])
    .where("job_id", "=", jobId)
    .orderBy("id")
    .execute();
}

// ---------------------------------------------------------------- set-up

beforeAll(async () => {
  raw = rawClient("admin");
  await raw.send(new CreateBucketCommand({ Bucket: bucket }));
  await startReceiver();
  process.env.IT_SLACK_WEBHOOK_URL = `${receiverUrl}/slack`;
  writeWebhooks(goodWebhooks());

  proxy = await startFaultProxy(JSON.parse(fs.readFileSync(profilesFile, "utf8")).profiles[0].endpoint as string);
  const profiles = JSON.parse(fs.readFileSync(profilesFile, "utf8")) as { profiles: { id: string; endpoint: string }[] };
  const local = profiles.profiles.find((p) => p.id === "local");
  if (!local) throw new Error("no local profile");
  profiles.profiles.push({ ...local, id: "via-proxy", endpoint: proxy.url } as typeof local);
  fs.writeFileSync(process.env.RECLAIM_PROFILES_FILE ?? "", JSON.stringify(profiles));

  // Two hours old: idle for more than an hour, no activity within the hour.
  // (A client per clock: one that has talked to the gateway keeps its clock offset.)
  restartGateway("-2h");
  const past = rawClient("admin");
  try {
    for (const i of [0, 1, 2]) aged.report.push(await makeUpload(`report/${i}.bin`, [1024 * (i + 1), 512], past));
    for (const i of [0, 1, 2]) aged.abort.push(await makeUpload(`abort/a${i}.bin`, [2048 * (i + 1)], past));
    aged.abort.push(await makeUpload("abort/zz-gets-a-part.bin", [4096], past));
    for (const i of [0, 1, 2]) aged.cap.push(await makeUpload(`cap/${i}.bin`, [1000 + i], past));
    for (const i of [0, 1, 2, 3]) aged.stop.push(await makeUpload(`stop/${i}.bin`, [700 + i], past));
    for (const i of [0, 1]) aged.missed.push(await makeUpload(`missed/${i}.bin`, [300], past));
    for (const i of [0, 1, 2]) aged.moved.push(await makeUpload(`moved/${i}.bin`, [600 + i], past));
  } finally {
    past.destroy();
    restartGateway();
    raw.destroy();
    raw = rawClient("admin");
  }
  fresh = await makeUpload("abort/new-and-busy.bin", [1500]);

  const { startPolicyScheduler } = await lib.scheduler();
  startPolicyScheduler({
    syncMs: 500,
    run: { runner: { concurrency: 1 }, delivery: { attempts: 4, backoffMs: [150, 300, 600], timeoutMs: 3_000 }, leaseTtlMs: 3_000 },
  });
}, 180_000);

afterAll(async () => {
  await (await lib.scheduler()).stopPolicyScheduler();
  await removeBucket(raw, bucket);
  await proxy?.close();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  fs.rmSync(scratch, { recursive: true, force: true });
  await database.drop();
});

// ---------------------------------------------------------------- tests

describe("policies on the real gateway", () => {
  it("a report policy aborts nothing, and notifies every webhook; one that fails twice gets it once", async () => {
    const before = await inventory("report/");
    const policy = await create({ name: "report-logs", mode: "report", webhooks: ["receiver", "chat", "flaky"] }, { key: "report/" });
    const run = await firstFinishedRun(policy);

    expect(run).toMatchObject({ status: "reported", trigger: "schedule", mode: "report", jobId: null });
    expect(run.scheduledFor).not.toBeNull();
    expect(run.matchedUploads).toBe(before.length);
    expect(run.matchedBytes).toBe(before.reduce((sum, u) => sum + u.bytes, 0));
    // Nothing aborted: the same uploads with the same parts, and no ledger row.
    expect(await inventory("report/")).toEqual(before);
    const db = await (await lib.db()).getDb();
    const ledger = await db.selectFrom("abort_attempt").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(ledger.n)).toBe(0);

    const forRun = received.filter((r) => runIdOf(r.body) === run.id);
    const json = forRun.filter((r) => r.path === "/json");
    expect(json).toHaveLength(1);
    expect(json[0]?.body).toMatchObject({
      event: "policy-run",
      policy: { id: policy.id, name: "report-logs", mode: "report", setBy: admin.email },
      run: { id: run.id, status: "reported", trigger: "schedule" },
      matched: { uploads: run.matchedUploads, bytes: run.matchedBytes },
      job: null,
    });
    const slack = forRun.filter((r) => r.path === "/slack");
    expect(slack).toHaveLength(1);
    expect(Object.keys(slack[0]?.body ?? {})).toEqual(["text"]);
    expect(slack[0]?.body.text).toMatch(new RegExp(`^Reclaim policy \\*report-logs\\* \\(report, scheduled run on local\\): Found ${before.length} uploads`));
    // The flaky receiver: two 503s, then one success — received once.
    const flaky = forRun.filter((r) => r.path === "/flaky");
    expect(flaky.map((r) => r.answered)).toEqual([503, 503, 200]);
    const deliveries = await (await lib.store()).listDeliveries({ runId: run.id });
    expect(deliveries.map((d) => [d.webhookId, d.status, d.attempts, d.lastStatus]).sort()).toEqual([
      ["chat", "delivered", 1, 200],
      ["flaky", "delivered", 3, 200],
      ["receiver", "delivered", 1, 200],
    ]);
  });

  it("an abort policy aborts exactly the matching idle uploads, and leaves one that received a part during the run", async () => {
    const before = await inventory("abort/");
    const [, , , busy] = aged.abort;
    if (!busy) throw new Error("set-up");
    // The job's first abort waits at the proxy until another upload of the selection got a new part.
    let partAdded = false;
    proxy.addFault({
      match: "AbortMultipartUpload",
      times: 1,
      action: {
        type: "hold",
        until: async () => {
          await addPart(busy, 2, 1234);
          partAdded = true;
        },
      },
    });
    const policy = await create({ name: "abort-idle", mode: "abort", profileId: "via-proxy", webhooks: ["receiver"] }, { key: "abort/" });
    const run = await firstFinishedRun(policy);
    proxy.clearFaults();
    expect(partAdded).toBe(true);

    // What should go: aged (idle for an hour), not the fresh one, and not the one that got a part.
    const idle = before.filter((u) => u.uploadId !== fresh.uploadId);
    expect(run).toMatchObject({ mode: "abort", trigger: "schedule", matchedUploads: idle.length, activeExcluded: 0 });
    const after = await inventory("abort/");
    expect(after.map((u) => u.uploadId).sort()).toEqual([busy.uploadId, fresh.uploadId].sort());
    expect(after.find((u) => u.uploadId === busy.uploadId)?.parts).toBe(2);

    expect(run.jobId).not.toBeNull();
    const rows = await ledgerRows(run.jobId ?? "");
    const reclaimed = idle.filter((u) => u.uploadId !== busy.uploadId);
    expect(rows.map((r) => r.upload_id).sort()).toEqual(reclaimed.map((u) => u.uploadId).sort());
    for (const row of rows) {
      const was = reclaimed.find((u) => u.uploadId === row.upload_id);
      expect(row).toMatchObject({ outcome: "reclaimed", actor_email: `policy "abort-idle" (set by ${admin.email})`, bytes_before: was?.bytes, parts_before: was?.parts });
    }
    const items = (await (await lib.jobs()).listItems(run.jobId ?? "", { limit: 50 })).items;
    const skipped = items.find((i) => i.uploadId === busy.uploadId);
    expect(skipped).toMatchObject({ state: "skipped-active", ledgerId: null });
    expect(skipped?.errorMessage).toMatch(/a part arrived at .*, after the preview, within the 60-minute activity window; it was not touched/);
    expect(run).toMatchObject({ status: "done", reclaimedUploads: reclaimed.length, reclaimedBytes: reclaimed.reduce((s, u) => s + u.bytes, 0) });

    const note = received.find((r) => r.path === "/json" && runIdOf(r.body) === run.id);
    expect(note?.body).toMatchObject({ job: { id: run.jobId, reclaimed: reclaimed.length, skipped: 1, failed: 0 } });
  });

  it("the cap stops a run before any abort, by count and by bytes", async () => {
    const before = await inventory("cap/");
    const total = before.reduce((s, u) => s + u.bytes, 0);
    const byCount = await create({ name: "cap-count", mode: "abort", maxUploads: String(before.length - 1) }, { key: "cap/" });
    const countRun = await firstFinishedRun(byCount);
    const bySize = await create({ name: "cap-bytes", mode: "abort", maxSize: String(total - 1) }, { key: "cap/" });
    const sizeRun = await firstFinishedRun(bySize);

    expect(countRun).toMatchObject({ status: "capped", jobId: null, matchedUploads: before.length });
    expect(countRun.message).toMatch(new RegExp(`^Stopped before aborting anything: the selection holds ${before.length} uploads, above the cap of ${before.length - 1}\\.`));
    expect(sizeRun).toMatchObject({ status: "capped", jobId: null, matchedBytes: total });
    expect(sizeRun.message).toMatch(new RegExp(`above the cap of ${total - 1}\\. Nothing was aborted`));
    expect(await inventory("cap/")).toEqual(before);
  });

  it("a paused policy stops its running job at the next item; one run at a time", async () => {
    const before = await inventory("stop/");
    const service = await lib.service();
    let policyId = "";
    let refusal = "";
    proxy.addFault({
      match: "AbortMultipartUpload",
      times: 1,
      action: {
        type: "hold",
        until: async () => {
          // While the first abort is in flight: a second run is refused, and the policy is paused.
          const again = await service.runPolicyNow(policyId, admin);
          refusal = again.ok ? "started" : again.error.code;
          await service.setPolicyPaused(policyId, true, admin);
        },
      },
    });
    const policy = await create({ name: "stop-me", mode: "abort", profileId: "via-proxy" }, { key: "stop/" });
    policyId = policy.id;
    const first = await until(async () => (await runs(policy.id)).at(-1), (run) => run !== undefined);
    await (await lib.run()).runSettled(first!.id);
    proxy.clearFaults();
    const run = await (await lib.store()).getRun(first!.id);

    expect(refusal).toBe("run-in-progress");
    expect(run).toMatchObject({ status: "stopped", reclaimedUploads: 1 });
    expect(run?.message).toMatch(/^Stopped: the policy was paused by ops@reclaim\.test\./);
    const items = (await (await lib.jobs()).listItems(run?.jobId ?? "", { limit: 50 })).items;
    expect(items.map((i) => i.state)).toEqual(["reclaimed", "skipped", "skipped", "skipped"]);
    const left = await inventory("stop/");
    expect(left).toHaveLength(before.length - 1);
    expect(await runs(policy.id)).toHaveLength(1);
  });

  it("a run whose job another instance took over waits for it there, holding the policy's lease, and reports how it really ended", async () => {
    const before = await inventory("moved/");
    const jobs = await lib.jobs();
    const runner = await lib.runner();
    const db = await (await lib.db()).getDb();
    const expireLease = (jobId: string) =>
      db.updateTable("bulk_job").set({ lease_expires_at: new Date(Date.now() - 1).toISOString() }).where("id", "=", jobId).execute();
    let jobId = "";
    proxy.addFault({
      match: "AbortMultipartUpload",
      times: 1,
      action: {
        type: "hold",
        until: async () => {
          // While the first abort is in flight, this instance loses the job: its lease ran out
          // (a long pause) and another instance took the job over.
          jobId = (await jobs.unfinishedJobs("via-proxy"))[0]?.id ?? "";
          await expireLease(jobId);
          expect(await jobs.claimExpiredJob("another-instance", 60_000)).toBe(jobId);
        },
      },
    });
    const policy = await create({ name: "moved-away", mode: "abort", profileId: "via-proxy", schedule: "0 0 1 1 *", webhooks: ["receiver"] }, { key: "moved/" });
    const { leaseName, runHoldsLease, runSettled, startRun } = await lib.run();
    const started = await startRun(policy.id, "manual", { startedBy: admin.email, options: { runner: { concurrency: 1 }, leaseTtlMs: 3_000 } });
    if (!started.ok) throw new Error(started.error.message);
    const runId = started.data.id;
    // This instance's run of the job ends (it finished its abort in flight, then found the job held elsewhere)…
    await until(async () => jobId, (id) => id !== "");
    await runner.jobSettled(jobId);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    proxy.clearFaults();
    // …but the job goes on elsewhere: the policy run is still going, its lease renewed, nothing reported yet.
    expect((await (await lib.store()).getRun(runId))?.status).toBe("running");
    expect(runHoldsLease(await (await lib.lease()).readLease(leaseName(policy.id)), runId)).toBe(true);
    expect(received.filter((r) => runIdOf(r.body) === runId)).toEqual([]);

    // The other instance stops in turn; this one takes the job over and finishes it.
    await expireLease(jobId);
    expect(await runner.takeOverExpiredJobs()).toEqual([jobId]);
    await runSettled(runId);
    const run = await (await lib.store()).getRun(runId);
    expect(run).toMatchObject({ status: "done", jobId, reclaimedUploads: before.length, reclaimedBytes: before.reduce((s, u) => s + u.bytes, 0) });
    expect(await inventory("moved/")).toEqual([]);
    const note = received.find((r) => r.path === "/json" && runIdOf(r.body) === runId);
    expect(note?.body).toMatchObject({ run: { id: runId, status: "done" }, job: { id: jobId, reclaimed: before.length, failed: 0 } });
    expect(await (await lib.lease()).readLease(leaseName(policy.id))).toBeNull();
  });

  it("a run missed while the scheduler was down runs once when it starts", async () => {
    const scheduler = await lib.scheduler();
    await scheduler.stopPolicyScheduler();
    const policy = await create({ name: "every-second", mode: "report", schedule: "* * * * * *" }, { key: "missed/" });
    // Down for more than three slots.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const restartedAt = new Date();
    scheduler.startPolicyScheduler({ syncMs: 500, run: { leaseTtlMs: 3_000 } });
    // Let it run a few regular slots too.
    const seen = await until(() => runs(policy.id), (list) => list.filter((r) => r.status !== "running").length >= 3, 20_000);
    await (await lib.service()).setPolicyPaused(policy.id, true, admin);

    const missed = seen.filter((r) => r.trigger === "missed");
    expect(missed).toHaveLength(1);
    expect(Date.parse(missed[0]?.scheduledFor ?? "")).toBeLessThan(restartedAt.getTime());
    expect(Date.parse(missed[0]?.scheduledFor ?? "")).toBeGreaterThan(restartedAt.getTime() - 1_500);
    expect(seen.filter((r) => Date.parse(r.scheduledFor ?? "") < restartedAt.getTime())).toHaveLength(1);
    expect(seen.filter((r) => r.trigger === "schedule").length).toBeGreaterThanOrEqual(2);
    // Each slot ran at most once.
    const slots = seen.map((r) => r.scheduledFor);
    expect(new Set(slots).size).toBe(slots.length);
  });

  it("bad input gets a clear message and saves nothing", async () => {
    const service = await lib.service();
    const count = async () => (await (await lib.store()).listPolicies()).length;
    const n = await count();
    const attempt = async (patch: Partial<PolicyForm>, filter: Partial<PolicyForm["filter"]> = {}) => {
      const result = await service.createPolicy(await policyForm({ name: `bad-${randomBytes(3).toString("hex")}`, ...patch }, { key: "report/", ...filter }), admin);
      return result.ok ? "saved" : result.error.message;
    };

    expect(await attempt({ schedule: "0 25 * * *" })).toMatch(/^Not a valid cron expression \(.*hour.*\)\. Write 5 fields/);
    expect(await attempt({ profileId: "nowhere" })).toMatch(/No endpoint profile named "nowhere" is configured\. Choose one of the configured profiles\./);
    expect(await attempt({}, { buckets: ["no-such-bucket-here"] })).toMatch(/^Bucket "no-such-bucket-here" does not exist on profile "local"/);
    expect(await attempt({ maxUploads: "0" })).toMatch(/The cap must be at least 1 upload/);
    expect(await attempt({ maxSize: "0" })).toMatch(/The cap must be more than 0 bytes/);
    expect(await attempt({ webhooks: ["nobody"] })).toMatch(/^No webhook named "nobody" is configured on the server/);
    // A webhook URL that is not http(s), in the server's configuration.
    writeWebhooks([{ id: "receiver", format: "json", url: "ftp://127.0.0.1/hook" }]);
    try {
      const message = await attempt({ webhooks: ["receiver"] });
      expect(message).toMatch(/webhook "receiver": the URL must start with http:\/\/ or https:\/\/ \(it starts with ftp:\)/);
      expect(message).not.toContain("127.0.0.1");
      expect(message).not.toContain(scratch);
      const { webhookChoices } = service;
      expect(webhookChoices()).toMatchObject({ webhooks: [], problem: expect.stringMatching(/must start with http/) });
    } finally {
      writeWebhooks(goodWebhooks());
    }
    expect(await count()).toBe(n);
    // A name already taken.
    expect(await attempt({ name: "report-logs" })).toMatch(/A policy named "report-logs" already exists/);
    expect(await count()).toBe(n);
  });

  it("a lease held elsewhere keeps a policy from running here until it expires", async () => {
    const { acquireLease, releaseLease } = await lib.lease();
    const { leaseName } = await lib.run();
    const policy = await create({ name: "leased", mode: "report", schedule: "0 0 1 1 *" }, { key: "report/" });
    expect(await acquireLease(leaseName(policy.id), "other-instance/run", 60_000)).toBe(true);
    const refused = await (await lib.service()).runPolicyNow(policy.id, admin);
    expect(refused).toMatchObject({ ok: false, error: { code: "run-in-progress" } });
    await releaseLease(leaseName(policy.id), "other-instance/run");
    const started = await (await lib.service()).runPolicyNow(policy.id, admin);
    if (!started.ok) throw new Error(started.error.message);
    await (await lib.run()).runSettled(started.data.id);
    expect(await (await lib.store()).getRun(started.data.id)).toMatchObject({ trigger: "manual", startedBy: admin.email, status: "reported" });
  });
});
