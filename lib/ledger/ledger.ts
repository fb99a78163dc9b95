import "server-only";
import { type Selectable, sql } from "kysely";
import { type Db, dialectOf, getDb } from "@/lib/db";
import type { AbortAttemptTable } from "@/lib/db/schema";
import { unfinishedJobIds } from "@/lib/jobs/store";
import type { AbortIntent, LedgerEntry, LedgerOutcome } from "@/lib/ledger/types";
import type { AbortResult, ReclaimError } from "@/lib/s3/types";

// The record of what was reclaimed. After an abort the upload is gone from S3; this is the
// only trace of it, so the intent is written before the abort and completed after.
// The one home of abort_attempt's writes (lib/ledger/history.ts reads it for the history).

type Row = Selectable<AbortAttemptTable>;

export function toEntry(row: Row): LedgerEntry {
  return {
    id: Number(row.id),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    actorEmail: row.actor_email,
    profileId: row.profile_id,
    endpointHost: row.endpoint_host,
    bucket: row.bucket,
    key: row.key,
    uploadId: row.upload_id,
    initiated: row.initiated,
    partsBefore: Number(row.parts_before),
    bytesBefore: Number(row.bytes_before),
    outcome: row.outcome as LedgerOutcome,
    attempts: Number(row.attempts),
    errorCode: row.error_code,
    errorMessage: row.error_message,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    jobId: row.job_id,
  };
}

/** Writes the "unknown" row before the abort is sent; returns its id. */
export async function recordIntent(intent: AbortIntent, now = new Date()): Promise<number> {
  const db = await getDb();
  const row = await db
    .insertInto("abort_attempt")
    .values({
      started_at: now.toISOString(),
      actor_id: intent.actor.id,
      actor_email: intent.actor.email,
      profile_id: intent.profileId,
      endpoint_host: intent.endpointHost,
      bucket: intent.bucket,
      key: intent.key,
      upload_id: intent.uploadId,
      initiated: intent.initiated,
      parts_before: intent.partsBefore,
      bytes_before: intent.bytesBefore,
      job_id: intent.jobId ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * Completes an intent with what happened. Only an "unknown" row is completed: an outcome is
 * written once, so a slow first writer cannot overwrite what a re-verification settled.
 */
export async function recordOutcome(
  id: number,
  outcome: { outcome: LedgerOutcome; attempts: number; error?: ReclaimError | null; durationMs: number | null },
  now = new Date(),
): Promise<void> {
  const db = await getDb();
  await db
    .updateTable("abort_attempt")
    .set({
      outcome: outcome.outcome,
      attempts: outcome.attempts,
      error_code: outcome.error?.s3Code ?? outcome.error?.code ?? null,
      error_message: outcome.error?.message ?? null,
      duration_ms: outcome.durationMs,
      finished_at: now.toISOString(),
    })
    .where("id", "=", id)
    .where("outcome", "=", "unknown")
    .execute();
}

export function recordAbortResult(id: number, result: AbortResult): Promise<void> {
  return recordOutcome(id, {
    outcome: result.outcome,
    attempts: result.attempts,
    error: result.error ?? null,
    durationMs: result.durationMs,
  });
}

async function readEntry(db: Db, id: number): Promise<LedgerEntry | null> {
  const row = await db.selectFrom("abort_attempt").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toEntry(row) : null;
}

export async function getEntry(id: number): Promise<LedgerEntry | null> {
  return readEntry(await getDb(), id);
}

/** The newest attempt a bulk job made on an upload (abort_attempt.job_id), or null. */
export async function latestJobAttempt(
  jobId: string,
  ref: { bucket: string; key: string; uploadId: string },
): Promise<LedgerEntry | null> {
  const db = await getDb();
  const row = await db
    .selectFrom("abort_attempt")
    .selectAll()
    .where("job_id", "=", jobId)
    .where("upload_id", "=", ref.uploadId)
    .where("bucket", "=", ref.bucket)
    .where("key", "=", ref.key)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? toEntry(row) : null;
}

/**
 * Rows left "unknown" by a crash between intent and outcome (oldest first), except those of
 * bulk jobs still running: their runner, or the instance that takes the job over, settles them.
 */
export async function unresolvedEntries(limit = 500): Promise<LedgerEntry[]> {
  const db = await getDb();
  const rows = await db
    .selectFrom("abort_attempt")
    .selectAll()
    .where("outcome", "=", "unknown")
    .where((eb) => eb.or([eb("job_id", "is", null), eb("job_id", "not in", unfinishedJobIds(db))]))
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map(toEntry);
}

/** How many rows unresolvedEntries would find (all of them). */
export async function countUnresolved(): Promise<number> {
  const db = await getDb();
  const row = await db
    .selectFrom("abort_attempt")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("outcome", "=", "unknown")
    .where((eb) => eb.or([eb("job_id", "is", null), eb("job_id", "not in", unfinishedJobIds(db))]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// Resolving a row after the fact. Every update is conditional on the outcome it was read
// with, so two concurrent resolutions (the startup run and a button, or two instances)
// cannot overwrite each other: a false / null answer means someone else resolved it in between.

export interface Resolution {
  outcome: LedgerOutcome;
  errorCode: string | null;
  errorMessage: string | null;
  /** Kept as it was when null. */
  finishedAt: string | null;
}

async function resolveIn(db: Db, entry: LedgerEntry, update: Resolution): Promise<boolean> {
  const result = await db
    .updateTable("abort_attempt")
    .set((eb) => ({
      outcome: update.outcome,
      error_code: update.errorCode,
      error_message: update.errorMessage,
      finished_at: update.finishedAt ?? eb.ref("finished_at"),
    }))
    .where("id", "=", entry.id)
    .where("outcome", "=", entry.outcome)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Sets a new outcome if the row still has the outcome `entry` was read with. */
export async function resolveEntry(entry: LedgerEntry, update: Resolution): Promise<boolean> {
  return resolveIn(await getDb(), entry, update);
}

/** Another attempt of the same upload that already counts its bytes. */
async function reclaimedElsewhere(db: Db, entry: LedgerEntry): Promise<number | null> {
  const row = await db
    .selectFrom("abort_attempt")
    .select("id")
    .where("profile_id", "=", entry.profileId)
    .where("bucket", "=", entry.bucket)
    .where("key", "=", entry.key)
    .where("upload_id", "=", entry.uploadId)
    .where("outcome", "=", "reclaimed")
    .where("id", "<>", entry.id)
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

/**
 * Serialises resolutions of one upload's attempts until the transaction ends, so two of
 * them never both find "not counted yet". PostgreSQL (several instances): a transaction
 * advisory lock keyed by the upload. SQLite: its one writer already serialises them.
 */
async function lockUpload(trx: Db, entry: LedgerEntry): Promise<void> {
  if (dialectOf(trx) !== "postgres") return;
  const key = JSON.stringify([entry.profileId, entry.bucket, entry.key, entry.uploadId]);
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}

/**
 * The upload is gone: the row counts as reclaimed, unless another attempt of the same upload
 * already does (then already-gone, so the same bytes are never counted twice). `message`
 * gets that other attempt's id, or null. Null when the row changed meanwhile.
 */
export async function recordGone(
  entry: LedgerEntry,
  at: Date,
  message: (countedBy: number | null) => string,
): Promise<{ outcome: "reclaimed" | "already-gone"; message: string; entry: LedgerEntry | null } | null> {
  const db = await getDb();
  return db.transaction().execute(async (trx) => {
    await lockUpload(trx, entry);
    const other = await reclaimedElsewhere(trx, entry);
    const outcome = other === null ? ("reclaimed" as const) : ("already-gone" as const);
    const text = message(other);
    const changed = await resolveIn(trx, entry, { outcome, errorCode: null, errorMessage: text, finishedAt: at.toISOString() });
    return changed ? { outcome, message: text, entry: await readEntry(trx, entry.id) } : null;
  });
}

/** An unknown row that cannot be resolved now stays unknown; the reason is noted on it. */
export async function noteUnresolved(id: number, code: string, message: string): Promise<boolean> {
  const db = await getDb();
  const result = await db
    .updateTable("abort_attempt")
    .set({ error_code: code, error_message: message })
    .where("id", "=", id)
    .where("outcome", "=", "unknown")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export type { Row as LedgerRow };
