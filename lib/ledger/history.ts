import "server-only";
import { type Expression, type ExpressionBuilder, sql, type SqlBool } from "kysely";
import { dialectOf, type Db, getDb } from "@/lib/db";
import type { Database } from "@/lib/db/schema";
import { toEntry } from "@/lib/ledger/ledger";
import type {
  ActorBreakdown,
  AttemptPage,
  BucketBreakdown,
  DayPoint,
  HistoryFacets,
  HistoryFilter,
  HistoryOverview,
  HistoryTotals,
  LedgerEntry,
  LedgerOutcome,
  OutcomeCounts,
  ProfileBreakdown,
  ReclaimedSum,
} from "@/lib/ledger/types";

// Read-only queries over abort_attempt for the history view and the CSV export.
//
// Counting rules (one place, so the cards, tables, chart and export agree):
// - "Reclaimed" means outcome = 'reclaimed'. Its parts/bytes are the snapshot taken just
//   before the abort (parts_before / bytes_before). Every other outcome is counted as an
//   attempt, never as storage reclaimed.
// - A row belongs to the time of its abort: started_at (ISO UTC, written by recordIntent).
//   A row resolved later by re-verification still counts on the day its abort was sent.
// - Days are UTC days ("YYYY-MM-DD" = the first 10 characters of started_at).
// Every value reaches the database as a bound parameter; no caller text is spliced into SQL.
// The same queries serve SQLite and PostgreSQL (lib/db): sums use CASE, never a boolean
// summed as a number, and days are the first 10 characters of the ISO text.

export type { Db };

export interface QueryOptions {
  /** Defaults to the app's ledger database. */
  db?: Db;
  /** The clock for "last 24 h / 7 d / 30 d" and the chart's last day. */
  now?: Date;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_CHART_DAYS = 30;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const ATTENTION_OUTCOMES: readonly LedgerOutcome[] = ["failed", "verify-failed", "denied", "unknown"];
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function emptyOutcomeCounts(): OutcomeCounts {
  return { reclaimed: 0, "already-gone": 0, "gone-unknown": 0, "verify-failed": 0, denied: 0, failed: 0, unknown: 0 };
}

function isOutcome(value: string): value is LedgerOutcome {
  return Object.hasOwn(emptyOutcomeCounts(), value);
}

/** Midnight UTC of a "YYYY-MM-DD" day, or null when it is not a real calendar day. */
export function parseUtcDay(day: string): Date | null {
  if (!DAY_PATTERN.test(day)) return null;
  const date = new Date(`${day}T00:00:00.000Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day) return null;
  return date;
}

export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function requireDay(day: string, what: string): Date {
  const date = parseUtcDay(day);
  if (!date) throw new RangeError(`${what} must be a UTC day "YYYY-MM-DD", got "${day}"`);
  return date;
}

type AttemptsBuilder = ExpressionBuilder<Database, "abort_attempt">;

/** The filter as a WHERE condition; bound parameters only. Throws RangeError on a bad value. */
function whereFor(filter: HistoryFilter): (eb: AttemptsBuilder) => Expression<SqlBool> {
  if (filter.outcome !== undefined && filter.outcome !== "needs-attention" && !isOutcome(filter.outcome)) {
    throw new RangeError(`Unknown outcome filter "${String(filter.outcome)}"`);
  }
  const from = filter.from === undefined ? undefined : requireDay(filter.from, "from").toISOString();
  // Inclusive last day: everything before the next midnight.
  const toExclusive =
    filter.to === undefined ? undefined : new Date(requireDay(filter.to, "to").getTime() + DAY_MS).toISOString();
  return (eb) => {
    const clauses: Expression<SqlBool>[] = [];
    if (filter.outcome === "needs-attention") clauses.push(eb("outcome", "in", ATTENTION_OUTCOMES));
    else if (filter.outcome !== undefined) clauses.push(eb("outcome", "=", filter.outcome));
    if (filter.profileId !== undefined) clauses.push(eb("profile_id", "=", filter.profileId));
    if (filter.bucket !== undefined) clauses.push(eb("bucket", "=", filter.bucket));
    if (filter.actorEmail !== undefined) clauses.push(eb("actor_email", "=", filter.actorEmail));
    if (from !== undefined) clauses.push(eb("started_at", ">=", from));
    if (toExclusive !== undefined) clauses.push(eb("started_at", "<", toExclusive));
    return eb.and(clauses);
  };
}

/** SUM over the rows matching `when` of a column (or 1 each: a count), 0 when none. */
function sumWhen(when: Expression<SqlBool> | null, column: "parts_before" | "bytes_before" | null) {
  const value = column === null ? sql.lit(1) : sql.ref(column);
  return when === null
    ? sql<number>`COALESCE(SUM(${value}), 0)`
    : sql<number>`COALESCE(SUM(CASE WHEN ${when} THEN ${value} END), 0)`;
}

async function dbOf(options: QueryOptions): Promise<Db> {
  return options.db ?? getDb();
}

/** Totals over the whole ledger, or over one profile's attempts (the dashboard header). */
export async function historyTotals(options: QueryOptions & { profileId?: string } = {}): Promise<HistoryTotals> {
  const db = await dbOf(options);
  const now = options.now ?? new Date();
  const since = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const windows = { "1": since(DAY_MS), "7": since(7 * DAY_MS), "30": since(30 * DAY_MS) };
  const ofProfile = (eb: AttemptsBuilder) =>
    options.profileId === undefined ? eb.and([]) : eb("profile_id", "=", options.profileId);
  const row = await db
    .selectFrom("abort_attempt")
    .select((eb) => [
      eb.fn.countAll<number>().as("uploads"),
      sumWhen(null, "parts_before").as("parts"),
      sumWhen(null, "bytes_before").as("bytes"),
      ...Object.entries(windows).flatMap(([days, start]) => [
        sumWhen(eb("started_at", ">=", start), null).as(`uploads${days}`),
        sumWhen(eb("started_at", ">=", start), "parts_before").as(`parts${days}`),
        sumWhen(eb("started_at", ">=", start), "bytes_before").as(`bytes${days}`),
      ]),
    ])
    .where("outcome", "=", "reclaimed")
    .where(ofProfile)
    .executeTakeFirstOrThrow();
  const value = (name: string) => Number((row as Record<string, unknown>)[name] ?? 0);
  const sumFor = (suffix: string): ReclaimedSum => ({
    uploads: value(`uploads${suffix}`),
    parts: value(`parts${suffix}`),
    bytes: value(`bytes${suffix}`),
  });

  const outcomes = emptyOutcomeCounts();
  let attempts = 0;
  const grouped = await db
    .selectFrom("abort_attempt")
    .select((eb) => ["outcome", eb.fn.countAll<number>().as("n")])
    .where(ofProfile)
    .groupBy("outcome")
    .execute();
  for (const { outcome, n } of grouped) {
    attempts += Number(n);
    if (isOutcome(outcome)) outcomes[outcome] += Number(n);
  }

  return {
    asOf: now.toISOString(),
    allTime: sumFor(""),
    last24h: sumFor("1"),
    last7d: sumFor("7"),
    last30d: sumFor("30"),
    outcomes,
    attempts,
  };
}

/** Shared aggregate columns for the per-bucket / per-profile / per-admin tables. */
function breakdownColumns(eb: AttemptsBuilder) {
  const reclaimed = eb("outcome", "=", "reclaimed");
  return [
    eb.fn.countAll<number>().as("attempts"),
    sumWhen(reclaimed, null).as("uploads"),
    sumWhen(reclaimed, "parts_before").as("parts"),
    sumWhen(reclaimed, "bytes_before").as("bytes"),
    sumWhen(eb("outcome", "in", ATTENTION_OUTCOMES), null).as("needsAttention"),
    sql<string | null>`MAX(CASE WHEN ${reclaimed} THEN ${sql.ref("started_at")} END)`.as("lastReclaimedAt"),
  ] as const;
}

/** Numbers as numbers (PostgreSQL may hand back 64-bit values as text otherwise). */
function breakdownOf<T extends ReclaimedSum & { attempts: number; needsAttention: number }>(row: T): T {
  return {
    ...row,
    attempts: Number(row.attempts),
    uploads: Number(row.uploads),
    parts: Number(row.parts),
    bytes: Number(row.bytes),
    needsAttention: Number(row.needsAttention),
  };
}

// Biggest reclaim first; ties (e.g. nothing reclaimed yet) by most attempts, then name.

export async function reclaimedByBucket(options: QueryOptions = {}): Promise<BucketBreakdown[]> {
  const db = await dbOf(options);
  const rows = await db
    .selectFrom("abort_attempt")
    .select((eb) => [eb.ref("profile_id").as("profileId"), "bucket", ...breakdownColumns(eb)])
    .groupBy(["profile_id", "bucket"])
    .orderBy("bytes", "desc")
    .orderBy("attempts", "desc")
    .orderBy("bucket")
    .orderBy("profile_id")
    .execute();
  return rows.map(breakdownOf);
}

export async function reclaimedByProfile(options: QueryOptions = {}): Promise<ProfileBreakdown[]> {
  const db = await dbOf(options);
  const rows = await db
    .selectFrom("abort_attempt")
    .select((eb) => [
      eb.ref("profile_id").as("profileId"),
      eb
        .selectFrom("abort_attempt as newest")
        .select("newest.endpoint_host")
        .whereRef("newest.profile_id", "=", "abort_attempt.profile_id")
        .orderBy("newest.id", "desc")
        .limit(1)
        .$asScalar()
        .$notNull()
        .as("endpointHost"),
      ...breakdownColumns(eb),
    ])
    .groupBy("profile_id")
    .orderBy("bytes", "desc")
    .orderBy("attempts", "desc")
    .orderBy("profile_id")
    .execute();
  return rows.map(breakdownOf);
}

export async function reclaimedByActor(options: QueryOptions = {}): Promise<ActorBreakdown[]> {
  const db = await dbOf(options);
  const rows = await db
    .selectFrom("abort_attempt")
    .select((eb) => [eb.ref("actor_email").as("actorEmail"), ...breakdownColumns(eb)])
    .groupBy("actor_email")
    .orderBy("bytes", "desc")
    .orderBy("attempts", "desc")
    .orderBy("actor_email")
    .execute();
  return rows.map(breakdownOf);
}

/**
 * Storage reclaimed per UTC day for the last `days` days, today (per `now`) included,
 * oldest first. Days without a reclaim are present with zeros, so a chart has no gaps.
 */
export async function reclaimedPerDay(options: QueryOptions & { days?: number } = {}): Promise<DayPoint[]> {
  const db = await dbOf(options);
  const now = options.now ?? new Date();
  const days = Math.max(1, Math.min(366, Math.floor(options.days ?? DEFAULT_CHART_DAYS)));
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const first = today - (days - 1) * DAY_MS;
  const day = sql<string>`substr(${sql.ref("started_at")}, 1, 10)`;
  const rows = await db
    .selectFrom("abort_attempt")
    .select((eb) => [
      day.as("day"),
      eb.fn.countAll<number>().as("uploads"),
      sumWhen(null, "parts_before").as("parts"),
      sumWhen(null, "bytes_before").as("bytes"),
    ])
    .where("outcome", "=", "reclaimed")
    .where("started_at", ">=", new Date(first).toISOString())
    .where("started_at", "<", new Date(today + DAY_MS).toISOString())
    .groupBy(day)
    .execute();
  const byDay = new Map(rows.map((row) => [row.day, row]));
  const points: DayPoint[] = [];
  for (let t = first; t <= today; t += DAY_MS) {
    const key = utcDay(new Date(t));
    const row = byDay.get(key);
    points.push({ day: key, uploads: Number(row?.uploads ?? 0), parts: Number(row?.parts ?? 0), bytes: Number(row?.bytes ?? 0) });
  }
  return points;
}

export async function historyFacets(options: QueryOptions = {}): Promise<HistoryFacets> {
  const db = await dbOf(options);
  const distinct = async (column: "profile_id" | "bucket" | "actor_email") =>
    (await db.selectFrom("abort_attempt").select(column).distinct().orderBy(column).execute()).map(
      (row) => row[column] as string,
    );
  return {
    profiles: await distinct("profile_id"),
    buckets: await distinct("bucket"),
    actors: await distinct("actor_email"),
  };
}

/**
 * Runs reads in one transaction so they describe the same moment (PostgreSQL needs
 * REPEATABLE READ for that; a SQLite transaction sees one snapshot anyway).
 */
async function oneSnapshot<T>(db: Db, read: (trx: Db) => Promise<T>): Promise<T> {
  const builder = db.transaction();
  return (dialectOf(db) === "postgres" ? builder.setIsolationLevel("repeatable read") : builder).execute(read);
}

/** Everything the history view shows above the attempt list, read in one transaction. */
export async function historyOverview(options: QueryOptions & { days?: number } = {}): Promise<HistoryOverview> {
  return oneSnapshot(await dbOf(options), async (db) => {
    const scoped = { ...options, db };
    return {
      totals: await historyTotals(scoped),
      byBucket: await reclaimedByBucket(scoped),
      byProfile: await reclaimedByProfile(scoped),
      byActor: await reclaimedByActor(scoped),
      perDay: await reclaimedPerDay(scoped),
      facets: await historyFacets(scoped),
    };
  });
}

/** One page of attempts matching the filter, newest first. */
export async function listAttempts(
  filter: HistoryFilter,
  paging: { page?: number; pageSize?: number } = {},
  options: QueryOptions = {},
): Promise<AttemptPage> {
  const pageSize = Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(paging.pageSize ?? DEFAULT_PAGE_SIZE)));
  const where = whereFor(filter);
  return oneSnapshot(await dbOf(options), async (db) => {
    const counted = await db
      .selectFrom("abort_attempt")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where(where)
      .executeTakeFirstOrThrow();
    const total = Number(counted.n);
    const pageCount = Math.max(1, Math.ceil(total / pageSize));
    const page = Math.max(1, Math.min(pageCount, Math.floor(paging.page ?? 1)));
    const rows = await db
      .selectFrom("abort_attempt")
      .selectAll()
      .where(where)
      .orderBy("started_at", "desc")
      .orderBy("id", "desc")
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute();
    return { entries: rows.map(toEntry), total, page, pageSize, pageCount };
  });
}

/**
 * Every attempt matching the filter, oldest first, in chunks of `chunkSize`. Each chunk is
 * its own short query (keyset on id), so a long export never holds a connection between
 * chunks and sessions keep working while it streams.
 */
export async function* attemptChunks(
  filter: HistoryFilter,
  chunkSize = 1_000,
  options: QueryOptions = {},
): AsyncGenerator<LedgerEntry[], void, undefined> {
  const db = await dbOf(options);
  const where = whereFor(filter);
  let afterId = 0;
  for (;;) {
    const rows = await db
      .selectFrom("abort_attempt")
      .selectAll()
      .where(where)
      .where("id", ">", afterId)
      .orderBy("id")
      .limit(chunkSize)
      .execute();
    if (rows.length === 0) return;
    yield rows.map(toEntry);
    const last = rows[rows.length - 1];
    if (!last || rows.length < chunkSize) return;
    afterId = Number(last.id);
  }
}

/** What the Prometheus counters read: every instance's aborts, as the shared ledger holds them. */
export interface LedgerCounters {
  /** Bytes reclaimed per profile (outcome 'reclaimed', the snapshot before each abort). */
  reclaimedBytes: { profileId: string; bytes: number }[];
  /** Finished attempts per profile and first recorded outcome (a count that only grows). */
  attempts: { profileId: string; outcome: AbortOutcomeLabel; count: number }[];
}

type AbortOutcomeLabel = Exclude<LedgerOutcome, "unknown">;

export async function ledgerCounters(options: QueryOptions = {}): Promise<LedgerCounters> {
  const db = await dbOf(options);
  return db.transaction().execute(async (trx) => {
    const reclaimedBytes = await trx
      .selectFrom("abort_attempt")
      .select((eb) => ["profile_id as profileId", eb.fn.coalesce(eb.fn.sum<number>("bytes_before"), eb.lit(0)).as("bytes")])
      .where("outcome", "=", "reclaimed")
      .groupBy("profile_id")
      .orderBy("profile_id")
      .execute();
    const attempts = await trx
      .selectFrom("abort_attempt")
      .select((eb) => ["profile_id as profileId", "first_outcome as outcome", eb.fn.countAll<number>().as("count")])
      .where("first_outcome", "is not", null)
      .groupBy(["profile_id", "first_outcome"])
      .orderBy("profile_id")
      .orderBy("first_outcome")
      .execute();
    return {
      reclaimedBytes: reclaimedBytes.map((row) => ({ profileId: row.profileId, bytes: Number(row.bytes) })),
      attempts: attempts.flatMap((row) =>
        row.outcome !== null && isOutcome(row.outcome) && row.outcome !== "unknown"
          ? [{ profileId: row.profileId, outcome: row.outcome, count: Number(row.count) }]
          : [],
      ),
    };
  });
}
