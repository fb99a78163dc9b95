import "server-only";
import { type Selectable, sql } from "kysely";
import { type Db, dialectOf, getDb, writeTransaction } from "@/lib/db";
import type { AbortAttemptTable } from "@/lib/db/schema";
import { OIDC_PROVIDER_ID } from "@/lib/auth/oidc";
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
    actorSubject: row.actor_subject,
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

/** Databases known to hold Better Auth's tables (created at start-up, then always there). */
const withAccounts = new WeakSet<Db>();

/**
 * The identity provider's subject of `actorId`'s single sign-on account, read as the row is
 * written, so every path that records an abort (a click, a bulk job, a policy run as the admin
 * who set it) names the person the provider knows, whatever their email is now or later.
 * A database without Better Auth's tables (a script, a store test) has no accounts: null.
 */
async function actorSubject(db: Db, actorId: string | null): Promise<string | null> {
  if (actorId === null) return null;
  if (!withAccounts.has(db)) {
    if (!(await db.introspection.getTables()).some((t) => t.name === "account")) return null;
    withAccounts.add(db);
  }
  const row = await db
    .selectFrom("account")
    .select("accountId")
    .where("userId", "=", actorId)
    .where("providerId", "=", OIDC_PROVIDER_ID)
    .executeTakeFirst();
  return row?.accountId ?? null;
}

async function attemptValues(db: Db, intent: AbortIntent, now: Date) {
  return {
    started_at: now.toISOString(),
    actor_id: intent.actor.id,
    actor_email: intent.actor.email,
    actor_subject: await actorSubject(db, intent.actor.id),
    profile_id: intent.profileId,
    endpoint_host: intent.endpointHost,
    bucket: intent.bucket,
    key: intent.key,
    upload_id: intent.uploadId,
    initiated: intent.initiated,
    parts_before: intent.partsBefore,
    bytes_before: intent.bytesBefore,
    job_id: intent.jobId ?? null,
  };
}

type UploadOf = Pick<LedgerEntry, "profileId" | "bucket" | "key" | "uploadId">;

export type OpenAttempt =
  | { opened: true; id: number }
  /** Another attempt of the same upload is open (outcome "unknown"): no row was written. */
  | { opened: false; openAttempt: LedgerEntry };

async function openAttemptOf(db: Db, upload: UploadOf): Promise<LedgerEntry | null> {
  const row = await db
    .selectFrom("abort_attempt")
    .selectAll()
    .where("profile_id", "=", upload.profileId)
    .where("bucket", "=", upload.bucket)
    .where("key", "=", upload.key)
    .where("upload_id", "=", upload.uploadId)
    .where("outcome", "=", "unknown")
    .limit(1)
    .executeTakeFirst();
  return row ? toEntry(row) : null;
}

/**
 * Writes the "unknown" row before the abort is sent — unless another attempt of the same
 * upload is open, which is returned instead. The unique index abort_attempt_one_open decides
 * (in one process, across processes and across instances on one PostgreSQL): of two aborts
 * of one upload at the same time, exactly one may send. The insert yields to an open row
 * (ON CONFLICT DO NOTHING, the same statement on both databases); a row that closed between
 * that insert and the read of it is tried again.
 */
export async function openAttempt(intent: AbortIntent, now = new Date()): Promise<OpenAttempt> {
  const db = await getDb();
  const values = await attemptValues(db, intent, now);
  for (let round = 0; ; round++) {
    const inserted = await db
      .insertInto("abort_attempt")
      .values(values)
      .onConflict((oc) => oc.doNothing())
      .returning("id")
      .executeTakeFirst();
    if (inserted) return { opened: true, id: Number(inserted.id) };
    const open = await openAttemptOf(db, intent);
    if (open) return { opened: false, openAttempt: open };
    if (round >= 10) throw new Error("the ledger refused a new attempt of this upload, but shows none open");
  }
}

/** Writes the "unknown" row before the abort is sent; returns its id. Throws when another attempt of the upload is open. */
export async function recordIntent(intent: AbortIntent, now = new Date()): Promise<number> {
  const opened = await openAttempt(intent, now);
  if (!opened.opened) throw new Error(`attempt #${opened.openAttempt.id} of this upload is still open`);
  return opened.id;
}

/** A row for an attempt that sent no abort (the upload was gone, or another attempt had it): final at once. */
export async function recordFinishedAttempt(
  intent: AbortIntent,
  outcome: { outcome: LedgerOutcome; errorCode?: string | null; errorMessage?: string | null },
  now = new Date(),
): Promise<number> {
  const db = await getDb();
  const row = await db
    .insertInto("abort_attempt")
    .values({
      ...(await attemptValues(db, intent, now)),
      outcome: outcome.outcome,
      first_outcome: outcome.outcome === "unknown" ? null : outcome.outcome,
      attempts: 0,
      error_code: outcome.errorCode ?? null,
      error_message: outcome.errorMessage ?? null,
      duration_ms: 0,
      finished_at: now.toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Another attempt of the same upload that already counts it as reclaimed. */
async function reclaimedByOtherAttempt(db: Db, entry: UploadOf & Pick<LedgerEntry, "id">): Promise<number | null> {
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
 * Serialises writes that decide whether an upload counts as reclaimed, until the
 * transaction ends, so two of them never both find "not counted yet". PostgreSQL (several
 * instances): a transaction advisory lock keyed by the upload. SQLite: its one writer
 * already serialises them once the transaction writes (see writeTransaction).
 */
async function lockUpload(trx: Db, entry: UploadOf): Promise<void> {
  if (dialectOf(trx) !== "postgres") return;
  const key = JSON.stringify([entry.profileId, entry.bucket, entry.key, entry.uploadId]);
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}

/**
 * Completes an intent with what happened; returns the outcome the row holds now. In one
 * transaction, "reclaimed" becomes "already-gone" when another attempt of the upload already
 * counts it, so the same bytes are never reclaimed twice. Only an "unknown" row is completed:
 * an outcome is written once, so a slow first writer cannot overwrite what a re-verification
 * settled (then the outcome already there is returned). On PostgreSQL the row is read without
 * a lock, so another writer may complete it between that read and the update (which then
 * waits for its commit and matches nothing): the row is read again and its outcome returned.
 */
export async function recordOutcome(
  id: number,
  outcome: { outcome: LedgerOutcome; attempts: number; error?: ReclaimError | null; durationMs: number | null },
  now = new Date(),
): Promise<LedgerOutcome> {
  const db = await getDb();
  return writeTransaction(db, async (trx): Promise<LedgerOutcome> => {
    const entry = await readEntry(trx, id);
    if (!entry) throw new Error(`there is no attempt #${id} in the ledger`);
    if (entry.outcome !== "unknown") return entry.outcome;
    let written = outcome.outcome;
    let errorCode = outcome.error?.s3Code ?? outcome.error?.code ?? null;
    let errorMessage = outcome.error?.message ?? null;
    if (written === "reclaimed") {
      await lockUpload(trx, entry);
      const other = await reclaimedByOtherAttempt(trx, entry);
      if (other !== null) {
        written = "already-gone";
        errorCode = null;
        errorMessage = `Proven gone, but attempt #${other} already counts this upload as reclaimed, so it is not counted again.`;
      }
    }
    const updated = await trx
      .updateTable("abort_attempt")
      .set((eb) => ({
        outcome: written,
        attempts: outcome.attempts,
        error_code: errorCode,
        error_message: errorMessage,
        duration_ms: outcome.durationMs,
        finished_at: now.toISOString(),
        first_outcome: written === "unknown" ? eb.ref("first_outcome") : eb.fn.coalesce("first_outcome", eb.val(written)),
      }))
      .where("id", "=", id)
      .where("outcome", "=", "unknown")
      .returning("outcome")
      .executeTakeFirst();
    if (updated) return updated.outcome as LedgerOutcome;
    const stored = await readEntry(trx, id);
    if (!stored) throw new Error(`attempt #${id} left the ledger while its outcome was written`);
    return stored.outcome;
  });
}

/** Records an abort's result; returns the outcome written (see recordOutcome). */
export function recordAbortResult(id: number, result: AbortResult): Promise<LedgerOutcome> {
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
      first_outcome: update.outcome === "unknown" ? eb.ref("first_outcome") : eb.fn.coalesce("first_outcome", eb.val(update.outcome)),
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

/**
 * The upload was found gone on a later re-verification: the row becomes gone-unknown (nothing
 * proves our abort ended it: its uploader may have completed it, a lifecycle rule aborted it),
 * or already-gone when another attempt of the same upload already counts it as reclaimed.
 * Neither is counted. `message` gets that other attempt's id, or null. Null when the row
 * changed meanwhile.
 */
export async function recordGone(
  entry: LedgerEntry,
  at: Date,
  message: (countedBy: number | null) => string,
): Promise<{ outcome: "gone-unknown" | "already-gone"; message: string; entry: LedgerEntry | null } | null> {
  const db = await getDb();
  return writeTransaction(db, async (trx) => {
    await lockUpload(trx, entry);
    const other = await reclaimedByOtherAttempt(trx, entry);
    const outcome = other === null ? ("gone-unknown" as const) : ("already-gone" as const);
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
