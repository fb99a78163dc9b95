import { type Kysely, type Migration as KyselyMigration, Migrator, sql } from "kysely";
import { dialectOf, withSchemaLock } from "@/lib/db/dialect";
import { migrations } from "@/lib/ledger/migrations";

// Runs lib/ledger/migrations.ts with Kysely's Migrator, which records what ran in
// kysely_migration and locks against a second instance migrating at the same time.

const MIGRATION_TABLE = "kysely_migration";

/**
 * SQLite files written before this migrator counted their migrations in PRAGMA
 * user_version (the first N entries of the list had run). They are recorded as run, once,
 * so an existing ledger is upgraded in place and never re-created.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function adoptUserVersion(db: Kysely<any>): Promise<void> {
  const tables = await sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ${MIGRATION_TABLE}`.execute(db);
  if ((tables.rows[0]?.n ?? 0) > 0) return;
  const version = (await sql<{ user_version: number }>`PRAGMA user_version`.execute(db)).rows[0]?.user_version ?? 0;
  if (version === 0) return;
  await db.transaction().execute(async (trx) => {
    // The same table Kysely's Migrator creates.
    await trx.schema
      .createTable(MIGRATION_TABLE)
      .ifNotExists()
      .addColumn("name", "varchar(255)", (c) => c.notNull().primaryKey())
      .addColumn("timestamp", "varchar(255)", (c) => c.notNull())
      .execute();
    const stamp = new Date().toISOString();
    for (const migration of migrations.slice(0, version)) {
      await trx.insertInto(MIGRATION_TABLE).values({ name: migration.name, timestamp: stamp }).execute();
    }
  });
}

/** Brings the schema up to date; each migration in its own transaction. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrate(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db);
  await withSchemaLock(db, async () => {
    if (dialect === "sqlite") await adoptUserVersion(db);
    const migrator = new Migrator({
      db,
      provider: {
        getMigrations: async () =>
          Object.fromEntries(
            migrations.map((m): [string, KyselyMigration] => [m.name, { up: (trx) => m.up(trx, dialect) }]),
          ),
      },
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === "Error")?.migrationName;
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(failed ? `schema migration ${failed} failed: ${reason}` : `schema migration failed: ${reason}`);
    }
  });
}
