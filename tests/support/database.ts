// The database a test file runs on: a scratch SQLite file by default, or a scratch
// database on PostgreSQL when RECLAIM_TEST_DATABASE_URL names a server (scripts/test.sh
// starts a private cluster with scripts/postgres.sh and runs the suites once more with it).
// Either way the app code finds it through its own settings (RECLAIM_DB_FILE /
// RECLAIM_DATABASE_URL), set here before any app module reads them.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export type TestDialect = "sqlite" | "postgres";

const serverUrl = process.env.RECLAIM_TEST_DATABASE_URL;
export const testDialect: TestDialect = serverUrl ? "postgres" : "sqlite";

/** Tests must never touch a database that is not on this machine. */
function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1" && host !== "localhost" && host !== "[::1]") {
    throw new Error(`Refusing to run tests against non-loopback database ${host}`);
  }
}

export interface ScratchDatabase {
  dialect: TestDialect;
  /** RECLAIM_DATABASE_URL (postgres) or RECLAIM_DB_FILE (sqlite) of this database. */
  location: string;
  /** Removes the database (call after the app's connection is closed). */
  drop(): Promise<void>;
}

async function onServer<T>(server: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A new, empty database of the configured kind (or on the PostgreSQL server `server`);
 * does not point the app at it.
 */
export async function createScratchDatabase(name: string, server = serverUrl): Promise<ScratchDatabase> {
  const suffix = `${name.replace(/[^a-z0-9]/gi, "_").toLowerCase()}_${randomBytes(4).toString("hex")}`;
  if (!server) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `reclaim-${suffix}-`));
    return {
      dialect: "sqlite",
      location: path.join(dir, "reclaim.sqlite"),
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  assertLoopback(server);
  const database = `reclaim_${suffix}`;
  await onServer(server, (client) => client.query(`CREATE DATABASE "${database}"`));
  const url = new URL(server);
  url.pathname = `/${database}`;
  return {
    dialect: "postgres",
    location: url.toString(),
    drop: () => onServer(server, async (client) => void (await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`))),
  };
}

/** The app's settings for a scratch database (for a child process's environment). */
export function databaseEnv(scratch: ScratchDatabase): Record<string, string> {
  return scratch.dialect === "postgres"
    ? {
        RECLAIM_DATABASE_URL: scratch.location,
        // Instances that share a database share the session secret (lib/env.ts requires it).
        BETTER_AUTH_SECRET: process.env.BETTER_AUTH_SECRET ?? "reclaim-test-secret-0123456789abcdef0123",
      }
    : { RECLAIM_DB_FILE: scratch.location };
}

/**
 * A scratch database for this test file, with the app pointed at it. Call at the top of the
 * file, before any app module is imported; `drop()` in afterAll closes the app's
 * connection first.
 */
export async function scratchAppDatabase(name: string): Promise<ScratchDatabase> {
  const scratch = await createScratchDatabase(name);
  delete process.env.RECLAIM_DATABASE_URL;
  Object.assign(process.env, databaseEnv(scratch));
  return {
    ...scratch,
    drop: async () => {
      const { closeDb } = await import("@/lib/db");
      await closeDb();
      await scratch.drop();
    },
  };
}

/**
 * For tests of the stores themselves: a migrated database of the configured kind, opened
 * here (the app is not pointed at it) — in-memory SQLite, or a scratch PostgreSQL database.
 * `close()` closes and drops it.
 */
export async function openTestDatabase(name: string): Promise<{ db: import("@/lib/db").Db; close(): Promise<void> }> {
  const { openPostgres, openSqlite } = await import("@/lib/db");
  const { migrate } = await import("@/lib/db/migrate");
  const scratch = serverUrl ? await createScratchDatabase(name) : null;
  const db = scratch ? openPostgres(scratch.location, { max: 4 }) : openSqlite(":memory:");
  await migrate(db);
  return {
    db,
    close: async () => {
      await db.destroy();
      await scratch?.drop();
    },
  };
}
