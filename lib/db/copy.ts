import "server-only";
import { type Kysely, sql } from "kysely";
import { dialectOf } from "@/lib/db/dialect";

// Copies a team's history from its SQLite file into PostgreSQL (`npm run db --
// migrate-to-postgres`): the ledger, bulk jobs, users with their sign-in accounts and
// sessions, and cleanup policies with their runs and webhook deliveries, keeping ids, so
// links between rows (a job item's ledger row, a run's job) still hold. Into
// an empty database only, in one transaction: it either copies everything and the counts
// and reclaimed totals match, or it changes nothing. Sign-in throttle and rate-limit
// counters are not copied (they only matter for a minute).

/** In the order they reference each other. */
const COPIED_TABLES = [
  "user",
  "account",
  "session",
  "verification",
  "abort_attempt",
  "bulk_job",
  "bulk_job_item",
  "policy",
  "policy_run",
  "webhook_delivery",
] as const;

type Table = (typeof COPIED_TABLES)[number];

/** Rows per SELECT and per INSERT. */
const CHUNK = 500;

const ORDER: Record<Table, readonly string[]> = {
  user: ["id"],
  account: ["id"],
  session: ["id"],
  verification: ["id"],
  abort_attempt: ["id"],
  bulk_job: ["id"],
  bulk_job_item: ["job_id", "seq"],
  policy: ["id"],
  policy_run: ["id"],
  webhook_delivery: ["id"],
};

interface TableCopy {
  table: Table;
  source: number;
  target: number;
}

interface Reclaimed {
  uploads: number;
  bytes: number;
}

export interface CopyReport {
  tables: TableCopy[];
  reclaimed: { source: Reclaimed; target: Reclaimed };
}

export class CopyError extends Error {
  override name = "CopyError";
}

// The copy works on whatever tables exist, with their columns as found.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function tableNames(db: AnyDb): Promise<Set<string>> {
  const tables = await db.introspection.getTables();
  return new Set(tables.map((t) => t.name));
}

async function count(db: AnyDb, table: string): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function reclaimed(db: AnyDb): Promise<Reclaimed> {
  const row = await db
    .selectFrom("abort_attempt")
    .select((eb) => [eb.fn.countAll<number>().as("uploads"), sql<number>`COALESCE(SUM(bytes_before), 0)`.as("bytes")])
    .where("outcome", "=", "reclaimed")
    .executeTakeFirstOrThrow();
  return { uploads: Number(row.uploads), bytes: Number(row.bytes) };
}

/** PostgreSQL column types, to turn SQLite's 0/1 into booleans and epoch numbers into dates. */
async function columnTypes(db: AnyDb, table: string): Promise<Map<string, string>> {
  const result = await sql<{ column_name: string; data_type: string }>`
    SELECT column_name, data_type FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = ${table}`.execute(db);
  return new Map(result.rows.map((r) => [r.column_name, r.data_type]));
}

function convert(value: unknown, type: string | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (type === "boolean") return Boolean(value);
  if (type?.startsWith("timestamp") && typeof value === "number") return new Date(value);
  return value;
}

/**
 * Copies every row of COPIED_TABLES from `source` (SQLite, schema up to date) into `target`
 * (PostgreSQL, schema up to date, those tables empty). Throws CopyError, changing nothing,
 * when the target is not empty or the copy does not add up.
 */
export async function copyDatabase(source: AnyDb, target: AnyDb): Promise<CopyReport> {
  if (dialectOf(target) !== "postgres") throw new CopyError("The target must be a PostgreSQL database (RECLAIM_DATABASE_URL).");
  const present = await tableNames(source);
  const tables = COPIED_TABLES.filter((t) => present.has(t));
  const targetTables = await tableNames(target);
  for (const table of tables) {
    if (!targetTables.has(table)) throw new CopyError(`The target database has no table ${table}: start Reclaim on it once, or run this command again.`);
    const rows = await count(target, table);
    if (rows > 0) {
      throw new CopyError(
        `The target database already holds ${rows} row(s) in ${table}. Copy into an empty database: this command never merges two histories.`,
      );
    }
  }

  return target.transaction().execute(async (trx) => {
    const copies: TableCopy[] = [];
    for (const table of tables) {
      const types = await columnTypes(trx, table);
      let copied = 0;
      for (let offset = 0; ; offset += CHUNK) {
        let query = source.selectFrom(table).selectAll();
        for (const column of ORDER[table]) query = query.orderBy(column);
        const rows = (await query.limit(CHUNK).offset(offset).execute()) as Record<string, unknown>[];
        if (rows.length === 0) break;
        const values = rows.map((row) =>
          Object.fromEntries(Object.entries(row).filter(([column]) => types.has(column)).map(([column, value]) => [column, convert(value, types.get(column))])),
        );
        await trx.insertInto(table).values(values).execute();
        copied += rows.length;
        if (rows.length < CHUNK) break;
      }
      copies.push({ table, source: await count(source, table), target: await count(trx, table) });
      if (copied !== copies.at(-1)?.source) throw new CopyError(`${table}: read ${copied} rows but the source holds ${copies.at(-1)?.source}; is a server still writing to it?`);
    }
    // New attempts and deliveries continue after the copied ids.
    for (const table of ["abort_attempt", "webhook_delivery"] as const) {
      if (!tables.includes(table)) continue;
      await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), COALESCE((SELECT MAX(id) FROM ${sql.table(table)}), 0) + 1, false)`.execute(trx);
    }
    const report: CopyReport = {
      tables: copies,
      reclaimed: {
        source: present.has("abort_attempt") ? await reclaimed(source) : { uploads: 0, bytes: 0 },
        target: tables.includes("abort_attempt") ? await reclaimed(trx) : { uploads: 0, bytes: 0 },
      },
    };
    const mismatch = copies.find((c) => c.source !== c.target);
    if (mismatch) throw new CopyError(`${mismatch.table}: ${mismatch.source} rows in the source but ${mismatch.target} after the copy.`);
    if (report.reclaimed.source.uploads !== report.reclaimed.target.uploads || report.reclaimed.source.bytes !== report.reclaimed.target.bytes) {
      throw new CopyError("The reclaimed totals differ after the copy; nothing was copied.");
    }
    return report;
  });
}
