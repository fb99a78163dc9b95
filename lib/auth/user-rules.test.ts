import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installUserRules, isLastAdminError } from "@/lib/auth/user-rules";
import { openPostgres, openSqlite } from "@/lib/db";
import { createScratchDatabase, type ScratchDatabase, testDialect } from "@/tests/support/database";

// The "at least one active admin" rule lives in the database, so it holds for every writer:
// here two separate connections stand in for two requests (or the server and the `npm run
// user` command, or two instances) that each checked "there are two admins" before writing.
// SQLite: two connections to one file. PostgreSQL (RECLAIM_TEST_DATABASE_URL set): two
// connections with open transactions, the second writing while the first has not committed.

let dir: string;
let file: string;
const open: Database.Database[] = [];

function connect(): Database.Database {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 2000");
  open.push(db);
  return db;
}

function admins(db: Database.Database): string[] {
  return (
    db
      .prepare(`SELECT id FROM "user" WHERE role = 'admin' AND coalesce(banned, 0) = 0 ORDER BY id`)
      .all() as { id: string }[]
  ).map((r) => r.id);
}

describe.runIf(testDialect === "sqlite")("SQLite", () => {
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "reclaim-user-rules-"));
    file = path.join(dir, "db.sqlite");
    const db = connect();
    // The columns of Better Auth's user table that the rule reads.
    db.exec(
      `CREATE TABLE "user" (id TEXT PRIMARY KEY, email TEXT NOT NULL, role TEXT, banned INTEGER)`,
    );
    db.prepare(`INSERT INTO "user" (id, email, role, banned) VALUES (?, ?, ?, ?)`).run(
      "a",
      "a@x",
      "admin",
      0,
    );
    db.prepare(`INSERT INTO "user" (id, email, role, banned) VALUES (?, ?, ?, ?)`).run(
      "b",
      "b@x",
      "admin",
      0,
    );
    db.prepare(`INSERT INTO "user" (id, email, role, banned) VALUES (?, ?, ?, ?)`).run(
      "v",
      "v@x",
      "viewer",
      0,
    );
    const kysely = openSqlite(file);
    await installUserRules(kysely);
    await installUserRules(kysely); // idempotent
    await kysely.destroy();
  });

  afterEach(() => {
    for (const db of open.splice(0)) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("at least one active admin", () => {
    it("two writers that each saw two admins cannot demote both", () => {
      const first = connect();
      const second = connect();
      expect(admins(first)).toEqual(["a", "b"]);
      expect(admins(second)).toEqual(["a", "b"]);
      first.prepare(`UPDATE "user" SET role = 'viewer' WHERE id = 'b'`).run();
      let refused: unknown;
      try {
        second.prepare(`UPDATE "user" SET role = 'viewer' WHERE id = 'a'`).run();
      } catch (error) {
        refused = error;
      }
      expect(isLastAdminError(refused)).toBe(true);
      expect(admins(connect())).toEqual(["a"]);
    });

    it("holds for disabling and deleting, and counts a disabled admin as none", () => {
      const db = connect();
      db.prepare(`UPDATE "user" SET banned = 1 WHERE id = 'b'`).run();
      expect(() => db.prepare(`UPDATE "user" SET banned = 1 WHERE id = 'a'`).run()).toThrow(
        /last active admin/,
      );
      expect(() => db.prepare(`UPDATE "user" SET role = 'viewer' WHERE id = 'a'`).run()).toThrow(
        /last active admin/,
      );
      expect(() => db.prepare(`DELETE FROM "user" WHERE id = 'a'`).run()).toThrow(
        /last active admin/,
      );
      expect(admins(db)).toEqual(["a"]);
    });

    it("leaves every other change alone", () => {
      const db = connect();
      db.prepare(`UPDATE "user" SET role = 'admin' WHERE id = 'v'`).run();
      db.prepare(`UPDATE "user" SET role = 'viewer' WHERE id = 'a'`).run();
      db.prepare(`DELETE FROM "user" WHERE id = 'b'`).run();
      db.prepare(`UPDATE "user" SET email = 'new@x' WHERE id = 'v'`).run();
      expect(admins(db)).toEqual(["v"]);
    });
  });
});

describe.runIf(testDialect === "postgres")("PostgreSQL", () => {
  let scratch: ScratchDatabase;
  const clients: pg.Client[] = [];

  async function client(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: scratch.location });
    await c.connect();
    clients.push(c);
    return c;
  }

  async function activeAdmins(c: pg.Client): Promise<string[]> {
    const result = await c.query<{ id: string }>(
      `SELECT id FROM "user" WHERE role = 'admin' AND NOT coalesce(banned, false) ORDER BY id`,
    );
    return result.rows.map((r) => r.id);
  }

  beforeEach(async () => {
    scratch = await createScratchDatabase("user_rules");
    const setup = await client();
    // The columns of Better Auth's user table that the rule reads (booleans are booleans here).
    await setup.query(
      `CREATE TABLE "user" (id TEXT PRIMARY KEY, email TEXT NOT NULL, role TEXT, banned BOOLEAN)`,
    );
    await setup.query(
      `INSERT INTO "user" (id, email, role, banned) VALUES ('a', 'a@x', 'admin', false), ('b', 'b@x', 'admin', false), ('v', 'v@x', 'viewer', false)`,
    );
    const kysely = openPostgres(scratch.location, { max: 1 });
    await installUserRules(kysely);
    await installUserRules(kysely); // idempotent
    await kysely.destroy();
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.end();
    await scratch.drop();
  });

  it("two transactions that each saw two admins cannot demote both", async () => {
    const first = await client();
    const second = await client();
    await first.query("BEGIN");
    await second.query("BEGIN");
    expect(await activeAdmins(first)).toEqual(["a", "b"]);
    expect(await activeAdmins(second)).toEqual(["a", "b"]);
    await first.query(`UPDATE "user" SET role = 'viewer' WHERE id = 'b'`);
    // Waits for the first to finish, then finds it has demoted b.
    const demoteA = second.query(`UPDATE "user" SET role = 'viewer' WHERE id = 'a'`).then(
      () => null,
      (error: unknown) => error,
    );
    await first.query("COMMIT");
    expect(isLastAdminError(await demoteA)).toBe(true);
    await second.query("ROLLBACK");
    expect(await activeAdmins(await client())).toEqual(["a"]);
  });

  it("holds for disabling and deleting, and counts a disabled admin as none", async () => {
    const c = await client();
    await c.query(`UPDATE "user" SET banned = true WHERE id = 'b'`);
    await expect(c.query(`UPDATE "user" SET banned = true WHERE id = 'a'`)).rejects.toThrow(
      /last active admin/,
    );
    await expect(c.query(`UPDATE "user" SET role = 'viewer' WHERE id = 'a'`)).rejects.toThrow(
      /last active admin/,
    );
    await expect(c.query(`DELETE FROM "user" WHERE id = 'a'`)).rejects.toThrow(/last active admin/);
    expect(await activeAdmins(c)).toEqual(["a"]);
  });

  it("leaves every other change alone", async () => {
    const c = await client();
    await c.query(`UPDATE "user" SET role = 'admin' WHERE id = 'v'`);
    await c.query(`UPDATE "user" SET role = 'viewer' WHERE id = 'a'`);
    await c.query(`DELETE FROM "user" WHERE id = 'b'`);
    await c.query(`UPDATE "user" SET email = 'new@x' WHERE id = 'v'`);
    expect(await activeAdmins(c)).toEqual(["v"]);
  });
});
