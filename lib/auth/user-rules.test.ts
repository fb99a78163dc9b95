import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installUserRules, isLastAdminError } from "@/lib/auth/user-rules";

// The "at least one active admin" rule lives in the database, so it holds for every writer:
// here two separate connections to one file stand in for two requests (or the server and
// the `npm run user` command) that each checked "there are two admins" before writing.

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
  return (db.prepare(`SELECT id FROM "user" WHERE role = 'admin' AND coalesce(banned, 0) = 0 ORDER BY id`).all() as { id: string }[]).map((r) => r.id);
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "reclaim-user-rules-"));
  file = path.join(dir, "db.sqlite");
  const db = connect();
  // The columns of Better Auth's user table that the rule reads.
  db.exec(`CREATE TABLE "user" (id TEXT PRIMARY KEY, email TEXT NOT NULL, role TEXT, banned INTEGER)`);
  db.prepare(`INSERT INTO "user" (id, email, role, banned) VALUES (?, ?, ?, ?)`).run("a", "a@x", "admin", 0);
  db.prepare(`INSERT INTO "user" (id, email, role, banned) VALUES (?, ?, ?, ?)`).run("b", "b@x", "admin", 0);
  db.prepare(`INSERT INTO "user" (id, email, role, banned) VALUES (?, ?, ?, ?)`).run("v", "v@x", "viewer", 0);
  installUserRules(db);
  installUserRules(db); // idempotent
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
    expect(() => db.prepare(`UPDATE "user" SET banned = 1 WHERE id = 'a'`).run()).toThrow(/last active admin/);
    expect(() => db.prepare(`UPDATE "user" SET role = 'viewer' WHERE id = 'a'`).run()).toThrow(/last active admin/);
    expect(() => db.prepare(`DELETE FROM "user" WHERE id = 'a'`).run()).toThrow(/last active admin/);
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
