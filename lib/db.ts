import "server-only";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { ConfigError, dbFilePath } from "@/lib/env";

// One SQLite file holds sessions (Better Auth) and the ledger. Opened once per process;
// kept on globalThis so dev-mode module reloads do not open it again.

const globalForDb = globalThis as unknown as { reclaimDb?: Database.Database };

export function openDatabase(file: string): Database.Database {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 5000");
    db.pragma("foreign_keys = ON");
    // Reading one page proves the file is a database, not something corrupt.
    db.prepare("SELECT count(*) FROM sqlite_master").get();
    return db;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      `Reclaim cannot open its database ${file}: ${reason}. Check RECLAIM_DB_FILE points to a writable SQLite file.`,
      "database",
    );
  }
}

export function getDb(): Database.Database {
  globalForDb.reclaimDb ??= openDatabase(dbFilePath());
  return globalForDb.reclaimDb;
}
