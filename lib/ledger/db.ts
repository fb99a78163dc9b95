import "server-only";
import type Database from "better-sqlite3";
import { getDb } from "@/lib/db";
import { migrations } from "@/lib/ledger/migrations";

/** Brings the schema up to date; each migration in its own transaction. */
export function migrate(db: Database.Database): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  for (let version = current; version < migrations.length; version++) {
    const sql = migrations[version];
    if (sql === undefined) break;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

let migrated = false;

/** The database with the ledger schema applied. */
export function ledgerDb(): Database.Database {
  const db = getDb();
  if (!migrated) {
    migrate(db);
    migrated = true;
  }
  return db;
}
