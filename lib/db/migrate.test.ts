import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Db, openSqlite } from "@/lib/db";
import { userVersionMigrations } from "@/lib/db/fixtures/user-version-migrations";
import { migrate } from "@/lib/db/migrate";
import { migrations } from "@/lib/ledger/migrations";

// SQLite files written by earlier releases (schema counted in PRAGMA user_version) must be
// upgraded in place by the Kysely migrator: same rows, same columns, nothing re-created.

let dir: string;
let file: string;
let db: Db | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "reclaim-migrate-"));
  file = path.join(dir, "reclaim.sqlite");
});

afterEach(async () => {
  await db?.destroy();
  db = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A file as an earlier release left it: its first `version` migrations and some rows. */
function writeOldFile(version: number): void {
  const old = new SqliteDatabase(file);
  for (const statement of userVersionMigrations.slice(0, version)) old.exec(statement);
  old.pragma(`user_version = ${version}`);
  // Before version 4 the sign-in throttle created its own table on first use.
  if (version < 4) old.exec("CREATE TABLE IF NOT EXISTS login_failure (email TEXT NOT NULL, at INTEGER NOT NULL)");
  const insert = old.prepare(
    `INSERT INTO abort_attempt (started_at, finished_at, actor_email, profile_id, endpoint_host, bucket, key, upload_id,
       parts_before, bytes_before, outcome, attempts)
     VALUES (?, ?, 'a@x.test', 'local', '127.0.0.1:1', 'logs', ?, ?, ?, ?, ?, 1)`,
  );
  insert.run("2026-01-01T00:00:00.000Z", "2026-01-01T00:00:01.000Z", "k1", "u1", 3, 5 * 1024 ** 4, "reclaimed");
  insert.run("2026-01-02T00:00:00.000Z", null, "k2", "u2", 1, 10, "unknown");
  if (version >= 2) {
    old
      .prepare(
        `INSERT INTO bulk_job (id, created_at, actor_email, profile_id, endpoint_host, filter_json, status, total)
         VALUES ('job-1', '2026-01-01T00:00:00.000Z', 'a@x.test', 'local', '127.0.0.1:1', '{}', 'done', 1)`,
      )
      .run();
    old
      .prepare(
        `INSERT INTO bulk_job_item (job_id, seq, bucket, key, upload_id, state, ledger_id) VALUES ('job-1', 0, 'logs', 'k1', 'u1', 'reclaimed', 1)`,
      )
      .run();
  }
  old.close();
}

function columnsOf(target: SqliteDatabase.Database, table: string): { name: string; notnull: number; dflt_value: unknown; pk: number }[] {
  return (target.pragma(`table_info(${table})`) as { name: string; notnull: number; dflt_value: unknown; pk: number }[]).map(
    ({ name, notnull, dflt_value, pk }) => ({ name, notnull, dflt_value, pk }),
  );
}

async function migrationsRun(target: Db): Promise<string[]> {
  const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(target);
  return rows.rows.map((r) => r.name);
}

describe("migrate on SQLite", () => {
  it("upgrades a file at user_version 3 in place: every row kept, later migrations applied once", async () => {
    writeOldFile(3);
    db = openSqlite(file);
    await migrate(db);

    expect(await migrationsRun(db)).toEqual(migrations.map((m) => m.name));
    const rows = await db.selectFrom("abort_attempt").selectAll().orderBy("id").execute();
    expect(rows.map((r) => [r.id, r.key, r.outcome, r.bytes_before, r.parts_before])).toEqual([
      [1, "k1", "reclaimed", 5 * 1024 ** 4, 3],
      [2, "k2", "unknown", 10, 1],
    ]);
    // 0007 records the first outcome of every finished row.
    expect(await db.selectFrom("abort_attempt").select("first_outcome").orderBy("id").execute()).toEqual([
      { first_outcome: "reclaimed" },
      { first_outcome: null },
    ]);
    expect(await db.selectFrom("bulk_job_item").select(["job_id", "ledger_id", "reread_parts"]).execute()).toEqual([
      { job_id: "job-1", ledger_id: 1, reread_parts: 1 },
    ]);
    // login_failure gave way to login_attempt.
    expect((await db.introspection.getTables()).map((t) => t.name)).toEqual(expect.arrayContaining(["login_attempt"]));
    expect((await db.introspection.getTables()).map((t) => t.name)).not.toContain("login_failure");

    // New rows continue the old numbering.
    const added = await db
      .insertInto("abort_attempt")
      .values({
        started_at: "2026-01-03T00:00:00.000Z",
        finished_at: null,
        actor_id: null,
        actor_email: "a@x.test",
        profile_id: "local",
        endpoint_host: "127.0.0.1:1",
        bucket: "logs",
        key: "k3",
        upload_id: "u3",
        initiated: null,
        parts_before: 1,
        bytes_before: 1,
        error_code: null,
        error_message: null,
        duration_ms: null,
        job_id: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    expect(added.id).toBe(3);

    // A second start changes nothing.
    await migrate(db);
    expect(await migrationsRun(db)).toEqual(migrations.map((m) => m.name));
    expect(await db.selectFrom("abort_attempt").select("id").execute()).toHaveLength(3);
  });

  it("takes a file at user_version 7 (the last raw-SQL release) as it is, and adds what came later", async () => {
    writeOldFile(7);
    db = openSqlite(file);
    await migrate(db);
    expect(await migrationsRun(db)).toEqual(migrations.map((m) => m.name));
    // Rows as the file had them (the fixture wrote them after its migration 7): 0007 is not run again.
    expect(await db.selectFrom("abort_attempt").select(["id", "outcome", "first_outcome"]).orderBy("id").execute()).toEqual([
      { id: 1, outcome: "reclaimed", first_outcome: null },
      { id: 2, outcome: "unknown", first_outcome: null },
    ]);
    await db.insertInto("login_attempt").values({ key_hash: "k", window_start: 1, attempts: 1 }).execute();
    expect(await db.selectFrom("bulk_job").select(["id", "lease_expires_at", "n_skipped_active"]).execute()).toEqual([
      { id: "job-1", lease_expires_at: null, n_skipped_active: 0 },
    ]);
  });

  it("upgrades a file at user_version 4: one open attempt per upload, older open duplicates settled", async () => {
    writeOldFile(4);
    const old = new SqliteDatabase(file);
    old
      .prepare(
        `INSERT INTO abort_attempt (started_at, actor_email, profile_id, endpoint_host, bucket, key, upload_id, parts_before, bytes_before, outcome)
         VALUES ('2026-01-03T00:00:00.000Z', 'a@x.test', 'local', '127.0.0.1:1', 'logs', 'k2', 'u2', 1, 10, 'unknown')`,
      )
      .run();
    old.close();
    db = openSqlite(file);
    await migrate(db);
    expect(await db.selectFrom("abort_attempt").select(["id", "outcome", "error_code"]).where("key", "=", "k2").orderBy("id").execute()).toEqual([
      { id: 2, outcome: "failed", error_code: "interrupted" },
      { id: 3, outcome: "unknown", error_code: null },
    ]);
    const second = db.insertInto("abort_attempt").values({
      started_at: "2026-01-04T00:00:00.000Z",
      finished_at: null,
      actor_id: null,
      actor_email: "a@x.test",
      profile_id: "local",
      endpoint_host: "127.0.0.1:1",
      bucket: "logs",
      key: "k2",
      upload_id: "u2",
      initiated: null,
      parts_before: 1,
      bytes_before: 10,
      error_code: null,
      error_message: null,
      duration_ms: null,
      job_id: null,
    });
    await expect(second.execute()).rejects.toThrow(/UNIQUE/);
  });

  it("upgrades a file at user_version 2: the later column is added with its default", async () => {
    writeOldFile(2);
    db = openSqlite(file);
    await migrate(db);
    expect(await migrationsRun(db)).toEqual(migrations.map((m) => m.name));
    expect(await db.selectFrom("bulk_job_item").select(["seq", "reread_parts"]).execute()).toEqual([{ seq: 0, reread_parts: 1 }]);
    expect(await db.selectFrom("abort_attempt").select("id").execute()).toHaveLength(2);
  });

  it.each([3, 7])("gives a file upgraded from user_version %i and a new one the same tables and columns", async (version) => {
    writeOldFile(version);
    db = openSqlite(file);
    await migrate(db);
    await db.destroy();
    const freshFile = path.join(dir, "fresh.sqlite");
    db = openSqlite(freshFile);
    await migrate(db);
    await db.destroy();
    db = undefined;

    const upgraded = new SqliteDatabase(file);
    const fresh = new SqliteDatabase(freshFile);
    try {
      // Defaults are quoted differently by the two writers; compare their values.
      const normalise = (cols: ReturnType<typeof columnsOf>) =>
        cols.map((c) => ({ ...c, dflt_value: c.dflt_value === null ? null : String(c.dflt_value).replace(/^'(.*)'$/, "$1") }));
      for (const table of ["abort_attempt", "bulk_job", "bulk_job_item", "login_attempt"]) {
        expect(normalise(columnsOf(fresh, table))).toEqual(normalise(columnsOf(upgraded, table)));
      }
      const indexes = (target: SqliteDatabase.Database) =>
        target.prepare("SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
      expect(indexes(fresh)).toEqual(indexes(upgraded));
      // The id stays SQLite's rowid (an `integer primary key` alias), so ids keep their meaning.
      expect(fresh.prepare("SELECT sql FROM sqlite_master WHERE name = 'abort_attempt'").pluck().get()).toMatch(/"id" integer primary key/i);
    } finally {
      upgraded.close();
      fresh.close();
    }
  });
});
