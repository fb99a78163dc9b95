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
