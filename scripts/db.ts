// Database chores from a shell.
//   npm run db -- migrate-to-postgres [--from <sqlite file>] [--to <postgres url>]
// Copies a SQLite file's ledger, bulk jobs, users and sessions into an empty PostgreSQL
// database (defaults: RECLAIM_DB_FILE, RECLAIM_DATABASE_URL), in one transaction, and
// prints the row counts and reclaimed totals of both. Stop the server that uses the file
// first. BETTER_AUTH_SECRET must be set as the instances will have it.
import fs from "node:fs";
import path from "node:path";
import { CopyError, copyDatabase } from "@/lib/db/copy";

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = args[index + 1];
  if (!value || value.startsWith("--")) fail(`${name} needs a value.`);
  return value;
}

async function migrateToPostgres(args: string[]): Promise<void> {
  const from = path.resolve(option(args, "--from") ?? process.env.RECLAIM_DB_FILE ?? ".data/reclaim.sqlite");
  const to = option(args, "--to") ?? process.env.RECLAIM_DATABASE_URL;
  if (!fs.existsSync(from)) fail(`No SQLite file at ${from}. Name it with --from or RECLAIM_DB_FILE.`);
  if (!to) fail("Name the PostgreSQL database with --to postgres://… or RECLAIM_DATABASE_URL.");
  // The app's own modules open the target as an instance would (schema, Better Auth tables).
  process.env.RECLAIM_DATABASE_URL = to;
  const { closeDb, describeUrl, getDb, openSqlite } = await import("@/lib/db");
  const { migrate } = await import("@/lib/db/migrate");
  const { ensureAuthSchema } = await import("@/lib/auth/auth");
  const source = openSqlite(from);
  try {
    await migrate(source); // an older file is brought up to date first, as a server start would
    const target = await getDb();
    await ensureAuthSchema();
    const report = await copyDatabase(source, target);
    console.log(`Copied ${from} into ${describeUrl(to)}:`);
    console.table(report.tables.map((t) => ({ table: t.table, "rows in SQLite": t.source, "rows in PostgreSQL": t.target })));
    const { source: before, target: after } = report.reclaimed;
    console.log(`Reclaimed: ${before.uploads} uploads, ${before.bytes} bytes in SQLite; ${after.uploads} uploads, ${after.bytes} bytes in PostgreSQL.`);
  } catch (error) {
    if (error instanceof CopyError) fail(`Nothing was copied: ${error.message}`);
    throw error;
  } finally {
    await source.destroy();
    await closeDb();
  }
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (command === "migrate-to-postgres") return migrateToPostgres(args);
  fail(`usage: npm run db -- migrate-to-postgres [--from <sqlite file>] [--to <postgres url>]${command ? ` (unknown command "${command}")` : ""}`);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
