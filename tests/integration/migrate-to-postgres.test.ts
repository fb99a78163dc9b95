// `npm run db -- migrate-to-postgres`: a SQLite file written by the app (users, sessions,
// ledger rows of every outcome, a bulk job, a cleanup policy with a run and its webhook
// deliveries) is copied into an empty PostgreSQL database.
// Row counts and reclaimed totals must match, ids and links must hold, a copied user must
// sign in on PostgreSQL, new ledger rows must continue after the copied ids, and a second
// copy into the now non-empty database must refuse and change nothing.
import { execFile, execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/lib/db";
import { createScratchDatabase, type ScratchDatabase } from "../support/database";
import { repoRoot, testInstance } from "../support/gateway";

const run = promisify(execFile);
const secret = randomBytes(32).toString("base64url");
const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), "reclaim-it-copy-"));
const sqliteFile = path.join(scratchDir, "reclaim.sqlite");
const user = { email: "ops@reclaim.test", password: "copy-password-1", name: "Ops" };
const TABLES = ["user", "account", "session", "abort_attempt", "bulk_job", "bulk_job_item", "policy", "policy_run", "webhook_delivery"];

let target: ScratchDatabase;
let source: Db;
let copy: Db;

/** The app's modules anew, reading the environment as it is now. */
async function freshApp(env: Record<string, string | undefined>) {
  const global = globalThis as { reclaimDb?: unknown; reclaimAuth?: unknown; reclaimAuthReady?: unknown };
  const { closeDb } = await import("@/lib/db");
  await closeDb();
  global.reclaimAuth = undefined;
  global.reclaimAuthReady = undefined;
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  vi.resetModules();
  return {
    db: await import("@/lib/db"),
    auth: await import("@/lib/auth/auth"),
    ledger: await import("@/lib/ledger/ledger"),
    store: await import("@/lib/jobs/store"),
    policies: await import("@/lib/policies/store"),
  };
}

async function counts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const result = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(db);
    out[table] = Number(result.rows[0]?.n);
  }
  return out;
}

async function reclaimedTotal(db: Db): Promise<{ uploads: number; bytes: number }> {
  const rows = await db.selectFrom("abort_attempt").select("bytes_before").where("outcome", "=", "reclaimed").execute();
  return { uploads: rows.length, bytes: rows.reduce((sum, r) => sum + Number(r.bytes_before), 0) };
}

function copyCommand(): Promise<{ stdout: string; stderr: string }> {
  const { RECLAIM_DATABASE_URL: _url, RECLAIM_DB_FILE: _file, ...env } = process.env;
  return run(
    path.join(repoRoot, "node_modules/.bin/tsx"),
    ["--conditions=react-server", path.join(repoRoot, "scripts/db.ts"), "migrate-to-postgres", "--from", sqliteFile, "--to", target.location],
    { cwd: repoRoot, env: { ...env, BETTER_AUTH_SECRET: secret } },
  );
}

beforeAll(async () => {
  // The PostgreSQL server of this test run (started here when the suite runs on SQLite).
  let server = process.env.RECLAIM_TEST_DATABASE_URL;
  if (!server) {
    execFileSync("bash", [path.join(repoRoot, "scripts/postgres.sh"), "start", testInstance], { stdio: "inherit" });
    server = execFileSync("bash", [path.join(repoRoot, "scripts/postgres.sh"), "url", testInstance], { encoding: "utf8" }).trim();
  }
  target = await createScratchDatabase("copy", server);

  // A SQLite file as a team that started small has it, written by the app itself.
  const app = await freshApp({ RECLAIM_DATABASE_URL: undefined, RECLAIM_DB_FILE: sqliteFile, BETTER_AUTH_SECRET: secret });
  await app.auth.ensureAuthReady();
  const auth = app.auth.getAuth();
  await auth.api.createUser({ body: { ...user, role: "admin" } });
  await auth.api.signInEmail({ body: { email: user.email, password: user.password } });
  const actor = { id: "u1", email: user.email };
  const base = { actor, profileId: "local", endpointHost: "127.0.0.1:1", bucket: "logs", initiated: null };
  const outcomes = ["reclaimed", "reclaimed", "already-gone", "failed", "verify-failed", "denied", "reclaimed"] as const;
  for (const [i, outcome] of outcomes.entries()) {
    const id = await app.ledger.recordIntent({ ...base, key: `k${i}`, uploadId: `u${i}`, partsBefore: i + 1, bytesBefore: (i + 1) * 5 * 1024 ** 3 });
    await app.ledger.recordOutcome(id, { outcome, attempts: 1, durationMs: 10 });
  }
  await app.ledger.recordIntent({ ...base, key: "k-unknown", uploadId: "u-unknown", partsBefore: 1, bytesBefore: 7 });
  const jobId = randomUUID();
  await app.store.insertJob({
    id: jobId,
    actor,
    profileId: "local",
    endpointHost: "127.0.0.1:1",
    selection: { profileId: "local", activeWithinMinutes: 0 },
    includeActive: false,
    runnerId: "copy-test",
    leaseUntil: new Date(),
    items: [
      { bucket: "logs", key: "j0", uploadId: "ju0", initiated: null, lastPartAt: null, parts: 1, bytes: 100 },
      { bucket: "logs", key: "j1", uploadId: "ju1", initiated: null, lastPartAt: null, parts: 2, bytes: 200 },
    ],
  });
  const jobRow = await app.ledger.recordIntent({ ...base, key: "j0", uploadId: "ju0", partsBefore: 1, bytesBefore: 100, jobId });
  await app.ledger.recordOutcome(jobRow, { outcome: "reclaimed", attempts: 1, durationMs: 3 });
  await app.store.finishItem(jobId, 0, { outcome: "reclaimed", attempts: 1, bytesReclaimed: 100, errorCode: null, errorMessage: null, ledgerId: jobRow });
  await app.store.finishJob(jobId, "copy-test", "finished-with-failures", "one left");
  const policy = await app.policies.insertPolicy(
    "policy-1",
    {
      name: "nightly-logs",
      profileId: "local",
      selection: { profileId: "local", buckets: ["logs"], idleForMs: 86_400_000, activeWithinMinutes: 60 },
      schedule: "0 2 * * *",
      timeZone: "UTC",
      mode: "abort",
      maxUploads: 100,
      maxBytes: 1024 ** 4,
      notifyAbove: 0,
      webhooks: ["ops"],
    },
    actor,
  );
  await app.policies.insertRun({ id: "run-1", policy, trigger: "schedule", scheduledFor: new Date(), startedBy: null });
  await app.policies.setRunJob("run-1", jobId);
  await app.policies.finishRun("run-1", "finished-with-failures", "one left");
  for (const webhookId of ["ops", "ops-slack"]) {
    const delivery = await app.policies.insertDelivery({ runId: "run-1", policyId: policy.id, webhookId, event: "policy-run" });
    await app.policies.recordDeliveryAttempt(delivery, { status: "delivered", httpStatus: 200, error: null });
  }
  await app.db.closeDb();

  source = (await import("@/lib/db")).openSqlite(sqliteFile);
});

afterAll(async () => {
  await source?.destroy();
  await copy?.destroy();
  const { closeDb } = await import("@/lib/db");
  await closeDb();
  await target?.drop();
  fs.rmSync(scratchDir, { recursive: true, force: true });
});

describe("npm run db -- migrate-to-postgres", () => {
  it("copies every row, keeps ids and links, and the reclaimed totals match", async () => {
    const { stdout } = await copyCommand();
    const { openPostgres } = await import("@/lib/db");
    copy = openPostgres(target.location, { max: 2 });

    const before = await counts(source);
    expect(before.abort_attempt).toBe(9);
    expect(before.user).toBe(1);
    expect(before.webhook_delivery).toBe(2);
    expect(before.session).toBeGreaterThanOrEqual(1);
    expect(await counts(copy)).toEqual(before);
    const reclaimed = await reclaimedTotal(source);
    expect(reclaimed).toEqual({ uploads: 4, bytes: (1 + 2 + 7) * 5 * 1024 ** 3 + 100 });
    expect(await reclaimedTotal(copy)).toEqual(reclaimed);
    expect(stdout).toContain(`Reclaimed: ${reclaimed.uploads} uploads, ${reclaimed.bytes} bytes in SQLite; ${reclaimed.uploads} uploads, ${reclaimed.bytes} bytes in PostgreSQL.`);
    expect(stdout).not.toContain(new URL(target.location).password);

    // Same rows, same ids; the job item still points at its ledger row.
    const rows = async (db: Db) =>
      (await db.selectFrom("abort_attempt").selectAll().orderBy("id").execute()).map((r) => ({ ...r, bytes_before: Number(r.bytes_before), parts_before: Number(r.parts_before) }));
    expect(await rows(copy)).toEqual(await rows(source));
    const item = await copy.selectFrom("bulk_job_item").select(["ledger_id", "state"]).where("seq", "=", 0).executeTakeFirstOrThrow();
    expect(item.state).toBe("reclaimed");
    expect((await copy.selectFrom("abort_attempt").select("upload_id").where("id", "=", Number(item.ledger_id)).executeTakeFirstOrThrow()).upload_id).toBe("ju0");

    // New rows continue after the copied ids.
    const next = await copy
      .insertInto("abort_attempt")
      .values({
        started_at: new Date().toISOString(),
        finished_at: null,
        actor_id: null,
        actor_email: user.email,
        profile_id: "local",
        endpoint_host: "127.0.0.1:1",
        bucket: "logs",
        key: "after-copy",
        upload_id: "after-copy",
        initiated: null,
        parts_before: 0,
        bytes_before: 0,
        error_code: null,
        error_message: null,
        duration_ms: null,
        job_id: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    expect(next.id).toBe(10);
    await copy.deleteFrom("abort_attempt").where("id", "=", next.id).execute();

    // The policy's run still links its job, and new deliveries continue after the copied ids.
    const policyRun = await copy.selectFrom("policy_run").select(["job_id", "status"]).where("id", "=", "run-1").executeTakeFirstOrThrow();
    expect(policyRun).toEqual({ job_id: (await source.selectFrom("bulk_job").select("id").executeTakeFirstOrThrow()).id, status: "finished-with-failures" });
    const delivery = await copy
      .insertInto("webhook_delivery")
      .values({ run_id: "run-1", policy_id: "policy-1", webhook_id: "ops", event: "policy-run", status: "sending", created_at: "", updated_at: "" })
      .returning("id")
      .executeTakeFirstOrThrow();
    expect(delivery.id).toBe(3);
  });

  it("a copied user signs in on PostgreSQL with the same password", async () => {
    const app = await freshApp({ RECLAIM_DATABASE_URL: target.location, BETTER_AUTH_SECRET: secret });
    const signedIn = await app.auth.getAuth().api.signInEmail({ body: { email: user.email, password: user.password } });
    expect(signedIn.user.email).toBe(user.email);
    await app.db.closeDb();
  });

  it("refuses to copy into a database that is not empty, and changes nothing", async () => {
    const before = await counts(copy);
    const failure = await copyCommand().then(
      () => null,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/Nothing was copied: The target database already holds 1 row\(s\) in user/);
    expect(await counts(copy)).toEqual(before);
  });
});
