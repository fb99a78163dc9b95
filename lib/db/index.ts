import "server-only";
import fs from "node:fs";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { ConfigError, dbFilePath, getEnv } from "@/lib/env";
import type { Database } from "@/lib/db/schema";
import { type DialectName, dialectOf, writeTransaction } from "@/lib/db/dialect";
import { migrate } from "@/lib/db/migrate";

// One database holds the ledger, bulk jobs, cleanup policies and Better Auth's sessions,
// users and rate limits: an embedded SQLite file (one instance, the demo), or PostgreSQL shared by
// several instances when RECLAIM_DATABASE_URL is set. Every query goes through Kysely, so
// the stores are written once for both. Opened once per process and kept on globalThis,
// so dev-mode module reloads do not open it again.

export type Db = Kysely<Database>;
export { dialectOf, type DialectName, writeTransaction };

interface Opened {
  db: Db;
  dialect: DialectName;
  /** Where it is, for messages (a postgres URL without its password). */
  label: string;
  ready?: Promise<Db>;
}

const globalForDb = globalThis as unknown as { reclaimDb?: Opened };

/**
 * The database server could not be reached (refused, timed out, unknown host, starting up, full):
 * still a configuration-class error for the browser's sentence, but one a restart may cure, so
 * the server exits for its service manager to start it again rather than as a bad setting.
 */
export class DatabaseUnavailableError extends ConfigError {
  override name = "DatabaseUnavailableError";
}

// Node's socket errors and PostgreSQL's "starting up" (57P03) and "too many clients" (53300).
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "57P03", "53300"]);

function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && UNREACHABLE_CODES.has(code)) return true;
  // A host with several addresses refuses with an AggregateError of one error per address.
  return error instanceof AggregateError && error.errors.some(isUnreachable);
}

/** Opens (creating if needed) a SQLite file; a file that is not a database is a ConfigError. */
export function openSqlite(file: string): Db {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("busy_timeout = 5000");
    sqlite.pragma("foreign_keys = ON");
    // Reading one page proves the file is a database, not something corrupt.
    sqlite.prepare("SELECT count(*) FROM sqlite_master").get();
    return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      `Reclaim cannot open its database ${file}: ${reason}. Check RECLAIM_DB_FILE points to a writable SQLite file.`,
      "database",
    );
  }
}

// 64-bit integers (counts, sums, byte totals) arrive from pg as strings by default; every
// value Reclaim stores fits a double exactly (bytes < 2^53), so they are read as numbers.
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID || oid === NUMERIC_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};

/** A pool on a PostgreSQL database; nothing connects until the first query. */
export function openPostgres(url: string, options: { max?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString: url, types: pgTypes, max: options.max ?? 10 });
  // An idle client that loses its server (restart, network) must not crash the process.
  pool.on("error", (error) => console.error("Reclaim: PostgreSQL connection error:", error.message));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** The URL without its password, for messages and logs. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    return parsed.toString();
  } catch {
    return "RECLAIM_DATABASE_URL";
  }
}

function openConfigured(): Opened {
  const url = getEnv().RECLAIM_DATABASE_URL;
  if (url) return { db: openPostgres(url), dialect: "postgres", label: describeUrl(url) };
  const file = dbFilePath();
  return { db: openSqlite(file), dialect: "sqlite", label: file };
}

function opened(): Opened {
  globalForDb.reclaimDb ??= openConfigured();
  return globalForDb.reclaimDb;
}

/**
 * The configured database as it is (schema not yet brought up to date): for Better Auth,
 * which is configured synchronously. Reclaim's own code uses getDb().
 */
export function databaseConnection(): { db: Db; dialect: DialectName } {
  const { db, dialect } = opened();
  return { db, dialect };
}

/** Which database this instance is configured for (SQLite: one server per file). */
export function configuredDialect(): DialectName {
  return opened().dialect;
}

/** The configured database with Reclaim's schema up to date (migrated once per process). */
export function getDb(): Promise<Db> {
  let state: Opened;
  try {
    state = opened();
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  state.ready ??= migrate(state.db).then(
    () => state.db,
    (error: unknown) => {
      state.ready = undefined; // a later call tries again (the server may come up)
      if (error instanceof ConfigError) throw error;
      const reason = (error instanceof Error ? error.message : "") || codeOf(error) || String(error);
      throw new (state.dialect === "postgres" && isUnreachable(error) ? DatabaseUnavailableError : ConfigError)(
        `Reclaim cannot use its database ${state.label}: ${reason}. ${
          state.dialect === "postgres"
            ? "Check RECLAIM_DATABASE_URL and that the server accepts connections."
            : "Check RECLAIM_DB_FILE points to a writable SQLite file."
        }`,
        "database",
      );
    },
  );
  return state.ready;
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "";
}

/** Closes the process's database (scripts and tests; the server keeps it open). */
export async function closeDb(): Promise<void> {
  const state = globalForDb.reclaimDb;
  globalForDb.reclaimDb = undefined;
  await state?.db.destroy();
}
