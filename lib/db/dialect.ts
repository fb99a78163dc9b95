import { type Kysely, PostgresAdapter, sql } from "kysely";

// The two databases Reclaim runs on. Code that must differ between them asks dialectOf()
// and keeps both variants side by side.

export type DialectName = "sqlite" | "postgres";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

/** "RECL": the advisory lock that serialises schema changes between instances. */
const SCHEMA_LOCK = 0x5245434c;

/**
 * Runs `work` while holding the schema lock, so two instances starting together do not
 * both create the same tables. PostgreSQL: a session advisory lock on a connection of its
 * own. SQLite: one process owns the file's writes anyway; `work` just runs.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function withSchemaLock<T>(db: Kysely<any>, work: () => Promise<T>): Promise<T> {
  if (dialectOf(db) === "sqlite") return work();
  return db.connection().execute(async (connection) => {
    await sql`SELECT pg_advisory_lock(${sql.lit(SCHEMA_LOCK)})`.execute(connection);
    try {
      return await work();
    } finally {
      await sql`SELECT pg_advisory_unlock(${sql.lit(SCHEMA_LOCK)})`.execute(connection);
    }
  });
}

/**
 * Runs `work` in a transaction that holds the database's write lock from its first
 * statement on SQLite (what BEGIN IMMEDIATE does; Kysely begins deferred), so what it reads
 * before writing cannot be changed by another process in between and its write never fails
 * for a lost snapshot. PostgreSQL: a plain transaction; callers take row or advisory locks.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function writeTransaction<D extends Kysely<any>, T>(db: D, work: (trx: D) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    // A write that matches nothing still takes SQLite's write lock (kysely_migration always exists).
    if (dialectOf(trx) === "sqlite") await sql`DELETE FROM kysely_migration WHERE 0 = 1`.execute(trx);
    return work(trx as unknown as D);
  });
}
