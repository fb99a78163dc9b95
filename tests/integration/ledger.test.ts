// The ledger against the real gateway: every abort through lib/uploads/service leaves
// exactly one row with the parts/bytes ListParts showed; history totals and the CSV agree
// with the rows; interrupted aborts are resolved by recovery without double counting; a
// corrupt database file is a ConfigError with a sentence, not a stack.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/lib/db";
import type { LedgerRow } from "@/lib/ledger/ledger";
import type { LedgerEntry } from "@/lib/ledger/types";
import type { Profile } from "@/lib/profiles";
import type { UploadRef } from "@/lib/s3/types";
import { scratchAppDatabase } from "../support/database";
import { profilesFile, rawClient } from "../support/gateway";
import { countParts } from "../support/sdk";
import { idempotentAbort, startFaultProxy } from "../support/fault-proxy";
import { removeBucket } from "./helpers";

// Before any app module reads its environment: our own scratch database, the test gateway.
const database = await scratchAppDatabase("ledger");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "reclaim-it-ledger-"));
process.env.RECLAIM_PROFILES_FILE ??= profilesFile;

type Service = typeof import("@/lib/uploads/service");
type Ledger = typeof import("@/lib/ledger/ledger");
type History = typeof import("@/lib/ledger/history");
type Recovery = typeof import("@/lib/uploads/recovery");
type Csv = typeof import("@/lib/ledger/csv");

let service: Service;
let ledger: Ledger;
let history: History;
let recovery: Recovery;
let csv: Csv;
let db: Db;
let profile: Profile;

const raw = rawClient("admin");
const bucket = `it-ledger-${randomBytes(4).toString("hex")}`;
const actor = { id: "it-user", email: "it-admin@reclaim.test" };

async function createUpload(key: string, partSizes: number[]): Promise<UploadRef> {
  const created = await raw.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  if (!created.UploadId) throw new Error("CreateMultipartUpload returned no UploadId");
  for (const [index, size] of partSizes.entries()) {
    await raw.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: created.UploadId, PartNumber: index + 1, Body: Buffer.alloc(size, 65 + index) }),
    );
  }
  return { bucket, key, uploadId: created.UploadId };
}

async function rawListed(ref: UploadRef): Promise<boolean> {
  const answer = await raw.send(new ListMultipartUploadsCommand({ Bucket: ref.bucket, Prefix: ref.key }));
  return (answer.Uploads ?? []).some((u) => u.UploadId === ref.uploadId);
}

function rowsFor(ref: UploadRef): Promise<LedgerRow[]> {
  return db.selectFrom("abort_attempt").selectAll().where("upload_id", "=", ref.uploadId).orderBy("id").execute();
}

async function row(id: number): Promise<LedgerRow> {
  const found = await db.selectFrom("abort_attempt").selectAll().where("id", "=", id).executeTakeFirst();
  if (!found) throw new Error(`no row ${id}`);
  return found;
}

/** Reclaimed bytes/uploads straight from the table, independent of lib/ledger/history. */
async function reclaimedInTable(): Promise<{ uploads: number; bytes: number; parts: number }> {
  const rows = await db.selectFrom("abort_attempt").select(["parts_before", "bytes_before"]).where("outcome", "=", "reclaimed").execute();
  return {
    uploads: rows.length,
    bytes: rows.reduce((sum, r) => sum + Number(r.bytes_before), 0),
    parts: rows.reduce((sum, r) => sum + Number(r.parts_before), 0),
  };
}

/** A crash right after the intent: the row is written, the abort (maybe) sent, no outcome. */
async function intentFor(ref: UploadRef, options: { profileId?: string; startedAt?: Date } = {}): Promise<number> {
  const snapshot = await countParts(raw, ref);
  return ledger.recordIntent(
    {
      actor,
      profileId: options.profileId ?? profile.id,
      endpointHost: new URL(profile.endpoint).host,
      bucket: ref.bucket,
      key: ref.key,
      uploadId: ref.uploadId,
      initiated: null,
      partsBefore: snapshot.parts,
      bytesBefore: snapshot.bytes,
    },
    // Older than the in-flight grace period, as a row left by a previous process would be.
    options.startedAt ?? new Date(Date.now() - 10 * 60_000),
  );
}

beforeAll(async () => {
  service = await import("@/lib/uploads/service");
  ledger = await import("@/lib/ledger/ledger");
  history = await import("@/lib/ledger/history");
  recovery = await import("@/lib/uploads/recovery");
  csv = await import("@/lib/ledger/csv");
  const { getDb } = await import("@/lib/db");
  const { getEnv } = await import("@/lib/env");
  const { getProfile } = await import("@/lib/profiles");
  const env = getEnv();
  expect(database.dialect === "postgres" ? env.RECLAIM_DATABASE_URL : path.resolve(env.RECLAIM_DB_FILE)).toBe(database.location);
  db = await getDb();
  profile = getProfile("local");
  await raw.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  await removeBucket(raw, bucket);
  await database.drop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe("abortUpload → ledger", () => {
  it("writes exactly one row with the parts/bytes ListParts showed, outcome reclaimed", async () => {
    const ref = await createUpload("ledger/plain.bin", [1_500, 2_600, 7]);
    const before = await countParts(raw, ref);
    expect(before).toEqual({ parts: 3, bytes: 4_107 });

    const result = await service.abortUpload(profile, ref, actor);
    expect(result.outcome).toBe("reclaimed");

    const rows = await rowsFor(ref);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      outcome: "reclaimed",
      parts_before: before.parts,
      bytes_before: before.bytes,
      actor_email: actor.email,
      profile_id: profile.id,
      bucket,
      key: ref.key,
      upload_id: ref.uploadId,
      error_code: null,
      error_message: null,
    });
    expect(rows[0]?.attempts).toBeGreaterThanOrEqual(1);
    expect(rows[0]?.finished_at).not.toBeNull();
    expect(rows[0]?.duration_ms).not.toBeNull();
    expect(await rawListed(ref)).toBe(false);
  });

  it("keeps keys that break CSV and spreadsheets exactly", async () => {
    const ref = await createUpload('=HYPERLINK("x"),a+b @c ü 日本\nline two.bin', [333, 44]);
    const before = await countParts(raw, ref);
    expect((await service.abortUpload(profile, ref, actor)).outcome).toBe("reclaimed");
    expect(await rowsFor(ref)).toHaveLength(1);
    expect((await rowsFor(ref))[0]).toMatchObject({ key: ref.key, parts_before: before.parts, bytes_before: before.bytes });
  });

  it("records an already-aborted upload once, as already-gone with nothing counted", async () => {
    const ref = await createUpload("ledger/raced.bin", [10]);
    await raw.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: ref.key, UploadId: ref.uploadId }));
    const totals = await reclaimedInTable();
    expect((await service.abortUpload(profile, ref, actor)).outcome).toBe("already-gone");
    expect((await rowsFor(ref)).map((r) => [r.outcome, r.bytes_before])).toEqual([["already-gone", 0]]);
    expect(await reclaimedInTable()).toEqual(totals);
  });
});

describe("two aborts of one upload at the same time", () => {
  it("end with exactly one reclaimed row and one already-gone, whatever the endpoint answers (service layer)", async () => {
    // An endpoint that answers 204 to every abort of the upload, and slowly, so both aborts
    // are in flight together: only the ledger can tell them apart.
    const proxy = await startFaultProxy(profile.endpoint);
    try {
      proxy.addFault(idempotentAbort(300));
      const viaProxy: Profile = { ...profile, endpoint: proxy.url };
      const ref = await createUpload("race/two-tabs.bin", [1_000, 234]);
      const before = await reclaimedInTable();
      const results = await Promise.all([
        service.abortUpload(viaProxy, ref, actor),
        service.abortUpload(viaProxy, ref, actor), // a second tab of the same admin
      ]);
      expect(results.map((r) => r.outcome).sort()).toEqual(["already-gone", "reclaimed"]);
      const rows = await rowsFor(ref);
      expect(rows.map((r) => r.outcome).sort()).toEqual(["already-gone", "reclaimed"]);
      expect(await reclaimedInTable()).toEqual({ uploads: before.uploads + 1, parts: before.parts + 2, bytes: before.bytes + 1_234 });
      // The second never sent its own abort: the ledger held it back.
      expect(proxy.count("AbortMultipartUpload")).toBe(1);
      expect(rows.find((r) => r.outcome === "already-gone")?.error_message).toMatch(/attempt #\d+/);
      expect(await rawListed(ref)).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it("an attempt left open by a crash long ago does not block a new abort: it is re-verified first", async () => {
    const ref = await createUpload("race/stale-open.bin", [64]);
    const stale = await intentFor(ref); // ten minutes old, never completed
    const result = await service.abortUpload(profile, ref, actor);
    expect(result.outcome).toBe("reclaimed");
    expect(await row(stale)).toMatchObject({ outcome: "failed", error_code: "interrupted" });
    expect((await rowsFor(ref)).map((r) => r.outcome)).toEqual(["failed", "reclaimed"]);
  });
});

describe("an outcome another writer stored first", () => {
  it("is what recordOutcome returns and what the row keeps, also when it commits while recordOutcome waits on the row", async () => {
    const ref = await createUpload("race/outcome-elsewhere.bin", [321]);
    const id = await intentFor(ref);
    const resolvedElsewhere = { outcome: "gone-unknown", error_message: "resolved by another instance" };
    if (database.dialect === "postgres") {
      // Another instance resolves the row in its own transaction and commits only once this
      // process's recordOutcome has read it as "unknown" and waits on its row lock.
      const other = new pg.Client({ connectionString: database.location });
      await other.connect();
      try {
        await other.query("BEGIN");
        await other.query("UPDATE abort_attempt SET outcome = $2, error_message = $3 WHERE id = $1", [id, resolvedElsewhere.outcome, resolvedElsewhere.error_message]);
        const recorded = ledger.recordOutcome(id, { outcome: "reclaimed", attempts: 1, durationMs: 5 });
        const waiting = "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
        for (let tries = 0; (await other.query<{ n: number }>(waiting)).rows[0]?.n === 0; tries++) {
          if (tries > 500) throw new Error("recordOutcome never waited on the row");
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await other.query("COMMIT");
        expect(await recorded).toBe("gone-unknown");
      } finally {
        await other.end();
      }
    } else {
      // SQLite's one writer: the other write is either wholly before recordOutcome's transaction or after it.
      await db.updateTable("abort_attempt").set(resolvedElsewhere).where("id", "=", id).execute();
      expect(await ledger.recordOutcome(id, { outcome: "reclaimed", attempts: 1, durationMs: 5 })).toBe("gone-unknown");
    }
    expect(await row(id)).toMatchObject(resolvedElsewhere);
  });
});

describe("history over real rows", () => {
  it("totals, breakdowns and the per-day chart equal the sum of the rows", async () => {
    const table = await reclaimedInTable();
    expect(table.uploads).toBeGreaterThanOrEqual(2);
    const overview = await history.historyOverview();
    expect(overview.totals.allTime).toEqual(table);
    // Everything here happened in the last minute.
    expect(overview.totals.last24h).toEqual(table);
    const mine = overview.byBucket.find((b) => b.bucket === bucket && b.profileId === profile.id);
    expect(mine).toMatchObject({ uploads: table.uploads, bytes: table.bytes, parts: table.parts });
    expect(overview.byActor.find((a) => a.actorEmail === actor.email)?.bytes).toBe(table.bytes);
    expect(overview.perDay.reduce((sum, d) => sum + d.bytes, 0)).toBe(table.bytes);
    const attempts = await db.selectFrom("abort_attempt").select("id").execute();
    expect(overview.totals.attempts).toBe(attempts.length);
    expect((await history.listAttempts({ bucket, outcome: "reclaimed" })).total).toBe(table.uploads);
  });

  it("the CSV export round-trips every row and key", async () => {
    const entries: LedgerEntry[] = [];
    for await (const chunk of history.attemptChunks({ bucket }, 1_000)) entries.push(...chunk);
    const text = csv.toCsv(csv.LEDGER_CSV_COLUMNS, entries);
    expect(text.startsWith(`"id","started_at","finished_at","admin_email",`)).toBe(true);
    // The formula guard is visible to a spreadsheet…
    expect(text).toContain(`"'=HYPERLINK(""x""),a+b @c ü 日本\nline two.bin"`);
    // …and undone by a reader that knows the rule.
    const parsed = csv.parseCsvObjects(text, { unprotect: true });
    const rows = await db.selectFrom("abort_attempt").selectAll().where("bucket", "=", bucket).orderBy("id").execute();
    expect(parsed).toHaveLength(rows.length);
    expect(
      parsed.map((r) => [Number(r.id), r.key, r.upload_id, Number(r.parts_before), Number(r.bytes_before), r.outcome, r.started_at]),
    ).toEqual(rows.map((r) => [r.id, r.key, r.upload_id, r.parts_before, r.bytes_before, r.outcome, r.started_at]));
  });
});

describe("recovery of interrupted aborts", () => {
  it("resolves an intent whose upload is gone since to gone (cause unknown): its bytes are not counted as reclaimed", async () => {
    const ref = await createUpload("crash/after-abort.bin", [4_000, 1_234]);
    const snapshot = await countParts(raw, ref);
    const id = await intentFor(ref);
    // The process "dies" here. The upload is gone later — by our abort, its uploader
    // completing it, or a lifecycle rule: nothing proves which.
    await raw.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: ref.key, UploadId: ref.uploadId }));
    expect((await row(id)).outcome).toBe("unknown");
    const before = await reclaimedInTable();
    expect((await history.historyTotals()).allTime).toEqual(before);

    const report = await recovery.recoverUnknownAttempts();
    expect(report.results.find((r) => r.id === id)).toMatchObject({ status: "gone-unknown" });
    expect(await row(id)).toMatchObject({ outcome: "gone-unknown", parts_before: snapshot.parts, bytes_before: snapshot.bytes });
    expect((await row(id)).error_message).toMatch(/interrupted/);
    expect((await row(id)).error_message).toMatch(/not counted as reclaimed/);
    expect(await rowsFor(ref)).toHaveLength(1);
    expect(await reclaimedInTable()).toEqual(before);
    expect((await history.historyTotals()).allTime).toEqual(before);
    expect((await history.historyTotals()).outcomes["gone-unknown"]).toBeGreaterThanOrEqual(1);
    expect((await history.listAttempts({ outcome: "gone-unknown", bucket })).entries.map((e) => e.id)).toContain(id);

    // A second run (another start, another click) changes nothing.
    const again = await recovery.recoverUnknownAttempts();
    expect(again.results.find((r) => r.id === id)).toBeUndefined();
    expect((await recovery.reverifyAttempt(id)).status).toBe("not-applicable");
    expect((await history.historyTotals()).allTime).toEqual(before);
  });

  it("resolves an intent whose upload is still there to failed, and leaves the upload alone", async () => {
    const ref = await createUpload("crash/before-abort.bin", [2_048]);
    const id = await intentFor(ref);
    const before = await reclaimedInTable();

    const report = await recovery.recoverUnknownAttempts();
    expect(report.results.find((r) => r.id === id)).toMatchObject({ status: "still-there" });
    expect(await row(id)).toMatchObject({ outcome: "failed", error_code: "interrupted" });
    expect((await row(id)).error_message).toContain("the upload is still there — abort it again");
    expect(await countParts(raw, ref)).toEqual({ parts: 1, bytes: 2_048 });
    expect(await rawListed(ref)).toBe(true);
    expect(await reclaimedInTable()).toEqual(before);

    // Still there on a re-verify: the row stays failed.
    const retry = await recovery.retryVerification(id);
    expect(retry.status).toBe("still-there");
    expect((await row(id)).outcome).toBe("failed");

    // Aborted later through the app: a new row reclaims it; re-verifying the old failed
    // row finds it gone but must not count the same bytes a second time.
    expect((await service.abortUpload(profile, ref, actor)).outcome).toBe("reclaimed");
    const later = await recovery.retryVerification(id);
    expect(later.status).toBe("already-gone");
    expect((await row(id)).outcome).toBe("already-gone");
    expect((await rowsFor(ref)).map((r) => r.outcome)).toEqual(["already-gone", "reclaimed"]);
    expect(await reclaimedInTable()).toEqual({ uploads: before.uploads + 1, parts: before.parts + 1, bytes: before.bytes + 2_048 });
    expect((await history.historyTotals()).allTime).toEqual(await reclaimedInTable());
  });

  it("re-verifies a failed row whose upload vanished as gone (cause unknown), with a note, its bytes kept out of reclaimed", async () => {
    const ref = await createUpload("retry/gone-later.bin", [777, 1]);
    const id = await intentFor(ref);
    await recovery.recoverUnknownAttempts();
    expect((await row(id)).outcome).toBe("failed");
    const before = await reclaimedInTable();

    // Completed by its uploader, aborted by a lifecycle rule or by another tool: here, someone else.
    await raw.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: ref.key, UploadId: ref.uploadId }));
    const result = await recovery.reverifyAttempt(id);
    expect(result.status).toBe("gone-unknown");
    expect((await row(id)).outcome).toBe("gone-unknown");
    expect((await row(id)).error_message).toMatch(/^Re-verified .*gone.*Earlier: The abort was interrupted/);
    expect(await reclaimedInTable()).toEqual(before);
    const goneRows: LedgerEntry[] = [];
    for await (const chunk of history.attemptChunks({ outcome: "gone-unknown", bucket }, 1_000)) goneRows.push(...chunk);
    const csvText = csv.toCsv(csv.LEDGER_CSV_COLUMNS, goneRows);
    const exported = csv.parseCsvObjects(csvText, { unprotect: true });
    expect(exported.find((r) => Number(r.id) === id)?.outcome).toBe("gone-unknown");
  });

  it("leaves a row whose profile is no longer configured unknown, with a clear message", async () => {
    const ref = await createUpload("crash/retired-profile.bin", [5]);
    const id = await intentFor(ref, { profileId: "retired-profile" });
    const report = await recovery.recoverUnknownAttempts();
    expect(report.results.find((r) => r.id === id)).toMatchObject({ status: "unverifiable" });
    expect(await row(id)).toMatchObject({ outcome: "unknown", error_code: "unknown-profile" });
    expect((await row(id)).error_message).toMatch(/profile "retired-profile" is no longer configured/);
    expect((await history.historyTotals()).outcomes.unknown).toBeGreaterThanOrEqual(1);
    await db.deleteFrom("abort_attempt").where("id", "=", id).execute();
  });

  it("does not resolve a fresh unknown row from the page: its abort may still be running", async () => {
    const ref = await createUpload("crash/in-flight.bin", [9]);
    const id = await intentFor(ref, { startedAt: new Date() });
    const result = await recovery.reverifyAttempt(id);
    expect(result.status).toBe("in-progress");
    expect((await row(id)).outcome).toBe("unknown");
    // At server start nothing of ours can be in flight: it resolves then.
    await recovery.recoverUnknownAttempts({ minAgeMs: 0 });
    expect((await row(id)).outcome).toBe("failed");
  });
});

describe("recovery at start on a shared database", () => {
  it("leaves an attempt young enough to be in flight elsewhere, and comes back for it once it is old enough", async () => {
    const ref = await createUpload("crash/restarted-quickly.bin", [12]);
    // Written by this instance's previous process just before it stopped.
    const id = await intentFor(ref, { startedAt: new Date() });
    const graceMs = 1_500;
    try {
      recovery.startLedgerRecovery({ minAgeMs: graceMs });
      const deadline = Date.now() + graceMs + 10_000;
      while ((await row(id)).outcome === "unknown") {
        if (Date.now() > deadline) throw new Error(`attempt #${id} is still unknown ${graceMs + 10_000} ms later: recovery never came back for it`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      recovery.stopLedgerRecovery();
    }
    const resolved = await row(id);
    expect(resolved).toMatchObject({ outcome: "failed", error_code: "interrupted" });
    // Not before it was old enough: until then its abort might have been running elsewhere.
    expect(Date.parse(resolved.finished_at ?? "") - Date.parse(resolved.started_at)).toBeGreaterThanOrEqual(graceMs);
    expect(await rawListed(ref)).toBe(true);
  });
});

describe("a database Reclaim cannot use", () => {
  it("a corrupt SQLite file is a ConfigError naming the file and RECLAIM_DB_FILE, not a stack", async () => {
    const garbage = path.join(scratch, "corrupt.sqlite");
    fs.writeFileSync(garbage, Buffer.concat([Buffer.from("this is not a database\n"), randomBytes(16 * 1024)]));

    const { openSqlite } = await import("@/lib/db");
    const { ConfigError } = await import("@/lib/env");
    let thrown: unknown;
    try {
      openSqlite(garbage);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const message = (thrown as Error).message;
    expect(message).toContain(garbage);
    expect(message).toContain("RECLAIM_DB_FILE");
    expect(message).toMatch(/not a database/i);
    expect(message).not.toMatch(/\n\s+at /);

    // The same through the environment, as the server would open it.
    await withFreshEnvironment({ RECLAIM_DB_FILE: garbage, RECLAIM_DATABASE_URL: undefined }, async (fresh, freshEnv) => {
      await expect(fresh.getDb()).rejects.toThrow(freshEnv.ConfigError);
      await expect(fresh.getDb()).rejects.toThrow(/Reclaim cannot open its database .*corrupt\.sqlite.*RECLAIM_DB_FILE/s);
    });
  });

  it("an unreachable PostgreSQL is a ConfigError naming RECLAIM_DATABASE_URL, without its password, marked as one a restart may cure", async () => {
    // A loopback port nothing listens on: take a free port, then close it.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const url = `postgres://reclaim:s3cret-pw@127.0.0.1:${port}/reclaim`;
    await withFreshEnvironment(
      { RECLAIM_DATABASE_URL: url, BETTER_AUTH_SECRET: "x".repeat(32) },
      async (fresh, freshEnv) => {
        const failure = await fresh.getDb().then(
          () => null,
          (error: unknown) => error,
        );
        expect(failure).toBeInstanceOf(freshEnv.ConfigError);
        expect(failure).toBeInstanceOf(fresh.DatabaseUnavailableError);
        const message = (failure as Error).message;
        expect(message).toContain(`127.0.0.1:${port}/reclaim`);
        expect(message).toContain("RECLAIM_DATABASE_URL");
        expect(message).toMatch(/ECONNREFUSED/);
        expect(message).not.toContain("s3cret-pw");
        expect(message).not.toMatch(/\n\s+at /);
        await fresh.closeDb();
      },
    );
  });
});

/**
 * Runs `check` against fresh app modules that read the given environment anew, then puts
 * back this file's environment and its open database.
 */
async function withFreshEnvironment(
  env: Record<string, string | undefined>,
  check: (db: typeof import("@/lib/db"), env: typeof import("@/lib/env")) => Promise<void>,
): Promise<void> {
  const global = globalThis as { reclaimDb?: unknown };
  const saved = { env: Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]])), db: global.reclaimDb };
  try {
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    global.reclaimDb = undefined;
    vi.resetModules();
    await check(await import("@/lib/db"), await import("@/lib/env"));
  } finally {
    for (const [name, value] of Object.entries(saved.env)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    global.reclaimDb = saved.db;
    vi.resetModules();
  }
}
