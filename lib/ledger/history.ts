import "server-only";
import type Database from "better-sqlite3";
import { ledgerDb } from "@/lib/ledger/db";
import { toEntry, type LedgerRow } from "@/lib/ledger/ledger";
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
// Every value reaches SQLite as a bound parameter; no caller text is spliced into SQL.

export type Db = Database.Database;

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

interface Where {
  sql: string;
  params: Record<string, string | number>;
}

/** The WHERE clause (with leading "WHERE", or empty) for a filter; parameters only. */
function whereFor(filter: HistoryFilter): Where {
  const clauses: string[] = [];
  const params: Record<string, string | number> = {};
  if (filter.outcome === "needs-attention") {
    clauses.push(`outcome IN (${ATTENTION_OUTCOMES.map((_, i) => `@attention${i}`).join(", ")})`);
    ATTENTION_OUTCOMES.forEach((outcome, i) => {
      params[`attention${i}`] = outcome;
    });
  } else if (filter.outcome !== undefined) {
    if (!isOutcome(filter.outcome)) throw new RangeError(`Unknown outcome filter "${String(filter.outcome)}"`);
    clauses.push("outcome = @outcome");
    params.outcome = filter.outcome;
  }
  if (filter.profileId !== undefined) {
    clauses.push("profile_id = @profileId");
    params.profileId = filter.profileId;
  }
  if (filter.bucket !== undefined) {
    clauses.push("bucket = @bucket");
    params.bucket = filter.bucket;
  }
  if (filter.actorEmail !== undefined) {
    clauses.push("actor_email = @actorEmail");
    params.actorEmail = filter.actorEmail;
  }
  if (filter.from !== undefined) {
    clauses.push("started_at >= @from");
    params.from = requireDay(filter.from, "from").toISOString();
  }
  if (filter.to !== undefined) {
    // Inclusive last day: everything before the next midnight.
    clauses.push("started_at < @toExclusive");
    params.toExclusive = new Date(requireDay(filter.to, "to").getTime() + DAY_MS).toISOString();
  }
  return { sql: clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : "", params };
}

interface SumRow {
  uploads: number;
  parts: number;
  bytes: number;
}

function sumOf(row: SumRow | undefined): ReclaimedSum {
  return { uploads: row?.uploads ?? 0, parts: row?.parts ?? 0, bytes: row?.bytes ?? 0 };
}

/** Totals over the whole ledger, or over one profile's attempts (the dashboard header). */
export function historyTotals(options: QueryOptions & { profileId?: string } = {}): HistoryTotals {
  const db = options.db ?? ledgerDb();
  const profile = options.profileId ?? null;
  const now = options.now ?? new Date();
  const since = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const row = db
    .prepare(
      `SELECT COUNT(*) AS uploads,
              COALESCE(SUM(parts_before), 0) AS parts,
              COALESCE(SUM(bytes_before), 0) AS bytes,
              COALESCE(SUM(started_at >= @d1), 0) AS uploads1,
              COALESCE(SUM(CASE WHEN started_at >= @d1 THEN parts_before END), 0) AS parts1,
              COALESCE(SUM(CASE WHEN started_at >= @d1 THEN bytes_before END), 0) AS bytes1,
              COALESCE(SUM(started_at >= @d7), 0) AS uploads7,
              COALESCE(SUM(CASE WHEN started_at >= @d7 THEN parts_before END), 0) AS parts7,
              COALESCE(SUM(CASE WHEN started_at >= @d7 THEN bytes_before END), 0) AS bytes7,
              COALESCE(SUM(started_at >= @d30), 0) AS uploads30,
              COALESCE(SUM(CASE WHEN started_at >= @d30 THEN parts_before END), 0) AS parts30,
              COALESCE(SUM(CASE WHEN started_at >= @d30 THEN bytes_before END), 0) AS bytes30
         FROM abort_attempt
        WHERE outcome = 'reclaimed' AND (@profile IS NULL OR profile_id = @profile)`,
    )
    .get({ d1: since(DAY_MS), d7: since(7 * DAY_MS), d30: since(30 * DAY_MS), profile }) as Record<string, number>;

  const outcomes = emptyOutcomeCounts();
  let attempts = 0;
  const grouped = db
    .prepare("SELECT outcome, COUNT(*) AS n FROM abort_attempt WHERE @profile IS NULL OR profile_id = @profile GROUP BY outcome")
    .all({ profile }) as {
    outcome: string;
    n: number;
  }[];
  for (const { outcome, n } of grouped) {
    attempts += n;
    if (isOutcome(outcome)) outcomes[outcome] += n;
  }

  return {
    asOf: now.toISOString(),
    allTime: sumOf({ uploads: row.uploads ?? 0, parts: row.parts ?? 0, bytes: row.bytes ?? 0 }),
    last24h: sumOf({ uploads: row.uploads1 ?? 0, parts: row.parts1 ?? 0, bytes: row.bytes1 ?? 0 }),
    last7d: sumOf({ uploads: row.uploads7 ?? 0, parts: row.parts7 ?? 0, bytes: row.bytes7 ?? 0 }),
    last30d: sumOf({ uploads: row.uploads30 ?? 0, parts: row.parts30 ?? 0, bytes: row.bytes30 ?? 0 }),
    outcomes,
    attempts,
  };
}

/** Shared aggregate columns for the per-bucket / per-profile / per-admin tables. */
const BREAKDOWN_COLUMNS = `
  COUNT(*) AS attempts,
  COALESCE(SUM(outcome = 'reclaimed'), 0) AS uploads,
  COALESCE(SUM(CASE WHEN outcome = 'reclaimed' THEN parts_before END), 0) AS parts,
  COALESCE(SUM(CASE WHEN outcome = 'reclaimed' THEN bytes_before END), 0) AS bytes,
  COALESCE(SUM(outcome IN ('failed', 'verify-failed', 'denied', 'unknown')), 0) AS needsAttention,
  MAX(CASE WHEN outcome = 'reclaimed' THEN started_at END) AS lastReclaimedAt`;

/** Biggest reclaim first; ties (e.g. nothing reclaimed yet) by most attempts, then name. */
const BREAKDOWN_ORDER = "ORDER BY bytes DESC, attempts DESC";

export function reclaimedByBucket(options: QueryOptions = {}): BucketBreakdown[] {
  const db = options.db ?? ledgerDb();
  return db
    .prepare(
      `SELECT profile_id AS profileId, bucket, ${BREAKDOWN_COLUMNS}
         FROM abort_attempt
        GROUP BY profile_id, bucket
        ${BREAKDOWN_ORDER}, bucket, profile_id`,
    )
    .all() as BucketBreakdown[];
}

export function reclaimedByProfile(options: QueryOptions = {}): ProfileBreakdown[] {
  const db = options.db ?? ledgerDb();
  return db
    .prepare(
      `SELECT profile_id AS profileId,
              (SELECT endpoint_host FROM abort_attempt AS newest
                WHERE newest.profile_id = abort_attempt.profile_id
                ORDER BY newest.id DESC LIMIT 1) AS endpointHost,
              ${BREAKDOWN_COLUMNS}
         FROM abort_attempt
        GROUP BY profile_id
        ${BREAKDOWN_ORDER}, profile_id`,
    )
    .all() as ProfileBreakdown[];
}

export function reclaimedByActor(options: QueryOptions = {}): ActorBreakdown[] {
  const db = options.db ?? ledgerDb();
  return db
    .prepare(
      `SELECT actor_email AS actorEmail, ${BREAKDOWN_COLUMNS}
         FROM abort_attempt
        GROUP BY actor_email
        ${BREAKDOWN_ORDER}, actor_email`,
    )
    .all() as ActorBreakdown[];
}

/**
 * Storage reclaimed per UTC day for the last `days` days, today (per `now`) included,
 * oldest first. Days without a reclaim are present with zeros, so a chart has no gaps.
 */
export function reclaimedPerDay(options: QueryOptions & { days?: number } = {}): DayPoint[] {
  const db = options.db ?? ledgerDb();
  const now = options.now ?? new Date();
  const days = Math.max(1, Math.min(366, Math.floor(options.days ?? DEFAULT_CHART_DAYS)));
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const first = today - (days - 1) * DAY_MS;
  const rows = db
    .prepare(
      `SELECT substr(started_at, 1, 10) AS day,
              COUNT(*) AS uploads,
              COALESCE(SUM(parts_before), 0) AS parts,
              COALESCE(SUM(bytes_before), 0) AS bytes
         FROM abort_attempt
        WHERE outcome = 'reclaimed' AND started_at >= @from AND started_at < @until
        GROUP BY day`,
    )
    .all({ from: new Date(first).toISOString(), until: new Date(today + DAY_MS).toISOString() }) as DayPoint[];
  const byDay = new Map(rows.map((row) => [row.day, row]));
  const points: DayPoint[] = [];
  for (let t = first; t <= today; t += DAY_MS) {
    const day = utcDay(new Date(t));
    const row = byDay.get(day);
    points.push({ day, uploads: row?.uploads ?? 0, parts: row?.parts ?? 0, bytes: row?.bytes ?? 0 });
  }
  return points;
}

export function historyFacets(options: QueryOptions = {}): HistoryFacets {
  const db = options.db ?? ledgerDb();
  const column = (sql: string) => (db.prepare(sql).pluck().all() as string[]);
  return {
    profiles: column("SELECT DISTINCT profile_id FROM abort_attempt ORDER BY profile_id"),
    buckets: column("SELECT DISTINCT bucket FROM abort_attempt ORDER BY bucket"),
    actors: column("SELECT DISTINCT actor_email FROM abort_attempt ORDER BY actor_email"),
  };
}

/** Everything the history view shows above the attempt list, read in one transaction. */
export function historyOverview(options: QueryOptions & { days?: number } = {}): HistoryOverview {
  const db = options.db ?? ledgerDb();
  const scoped = { ...options, db };
  // One read transaction: the cards, tables and chart describe the same moment.
  return db.transaction(() => ({
    totals: historyTotals(scoped),
    byBucket: reclaimedByBucket(scoped),
    byProfile: reclaimedByProfile(scoped),
    byActor: reclaimedByActor(scoped),
    perDay: reclaimedPerDay(scoped),
    facets: historyFacets(scoped),
  }))();
}

/** One page of attempts matching the filter, newest first. */
export function listAttempts(
  filter: HistoryFilter,
  paging: { page?: number; pageSize?: number } = {},
  options: QueryOptions = {},
): AttemptPage {
  const db = options.db ?? ledgerDb();
  const pageSize = Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(paging.pageSize ?? DEFAULT_PAGE_SIZE)));
  const where = whereFor(filter);
  return db.transaction(() => {
    const total = db.prepare(`SELECT COUNT(*) FROM abort_attempt ${where.sql}`).pluck().get(where.params) as number;
    const pageCount = Math.max(1, Math.ceil(total / pageSize));
    const page = Math.max(1, Math.min(pageCount, Math.floor(paging.page ?? 1)));
    const rows = db
      .prepare(
        `SELECT * FROM abort_attempt ${where.sql}
          ORDER BY started_at DESC, id DESC
          LIMIT @limit OFFSET @offset`,
      )
      .all({ ...where.params, limit: pageSize, offset: (page - 1) * pageSize }) as LedgerRow[];
    return { entries: rows.map(toEntry), total, page, pageSize, pageCount };
  })();
}

/**
 * Every attempt matching the filter, oldest first, in chunks of `chunkSize`. Each chunk is
 * its own short query (keyset on id), so a long export never holds the connection busy
 * between chunks and sessions keep working while it streams.
 */
export function* attemptChunks(
  filter: HistoryFilter,
  chunkSize = 1_000,
  options: QueryOptions = {},
): Generator<LedgerEntry[], void, undefined> {
  const db = options.db ?? ledgerDb();
  const where = whereFor(filter);
  const sql = `SELECT * FROM abort_attempt
    ${where.sql ? `${where.sql} AND` : "WHERE"} id > @afterId
    ORDER BY id LIMIT @limit`;
  const statement = db.prepare(sql);
  let afterId = 0;
  for (;;) {
    const rows = statement.all({ ...where.params, afterId, limit: chunkSize }) as LedgerRow[];
    if (rows.length === 0) return;
    yield rows.map(toEntry);
    const last = rows[rows.length - 1];
    if (!last || rows.length < chunkSize) return;
    afterId = last.id;
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

export function ledgerCounters(options: QueryOptions = {}): LedgerCounters {
  const db = options.db ?? ledgerDb();
  return db.transaction(() => ({
    reclaimedBytes: db
      .prepare(
        `SELECT profile_id AS profileId, COALESCE(SUM(bytes_before), 0) AS bytes
           FROM abort_attempt WHERE outcome = 'reclaimed' GROUP BY profile_id ORDER BY profile_id`,
      )
      .all() as LedgerCounters["reclaimedBytes"],
    attempts: (
      db
        .prepare(
          `SELECT profile_id AS profileId, first_outcome AS outcome, COUNT(*) AS count
             FROM abort_attempt WHERE first_outcome IS NOT NULL
            GROUP BY profile_id, first_outcome ORDER BY profile_id, first_outcome`,
        )
        .all() as { profileId: string; outcome: string; count: number }[]
    ).flatMap((row) => (isOutcome(row.outcome) && row.outcome !== "unknown" ? [{ ...row, outcome: row.outcome }] : [])),
  }))();
}
