import "server-only";
import { ledgerDb } from "@/lib/ledger/db";
import type { AbortIntent, LedgerEntry, LedgerOutcome } from "@/lib/ledger/types";
import type { AbortResult, ReclaimError } from "@/lib/s3/types";

// The record of what was reclaimed. After an abort the upload is gone from S3; this is the
// only trace of it, so the intent is written before the abort and completed after.

interface Row {
  id: number;
  started_at: string;
  finished_at: string | null;
  actor_email: string;
  profile_id: string;
  endpoint_host: string;
  bucket: string;
  key: string;
  upload_id: string;
  initiated: string | null;
  parts_before: number;
  bytes_before: number;
  outcome: LedgerOutcome;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  duration_ms: number | null;
  job_id: string | null;
}

export function toEntry(row: Row): LedgerEntry {
  return {
    id: row.id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    actorEmail: row.actor_email,
    profileId: row.profile_id,
    endpointHost: row.endpoint_host,
    bucket: row.bucket,
    key: row.key,
    uploadId: row.upload_id,
    initiated: row.initiated,
    partsBefore: row.parts_before,
    bytesBefore: row.bytes_before,
    outcome: row.outcome,
    attempts: row.attempts,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    durationMs: row.duration_ms,
    jobId: row.job_id,
  };
}

const INSERT_ATTEMPT = `INSERT INTO abort_attempt
   (started_at, actor_id, actor_email, profile_id, endpoint_host, bucket, key, upload_id,
    initiated, parts_before, bytes_before, job_id, outcome, first_outcome, attempts, error_code, error_message, duration_ms, finished_at)
 VALUES (@startedAt, @actorId, @actorEmail, @profileId, @endpointHost, @bucket, @key, @uploadId,
         @initiated, @partsBefore, @bytesBefore, @jobId, @outcome, NULLIF(@outcome, 'unknown'), @attempts, @errorCode, @errorMessage, @durationMs, @finishedAt)`;

function insertParams(intent: AbortIntent, now: Date) {
  return {
    startedAt: now.toISOString(),
    actorId: intent.actor.id,
    actorEmail: intent.actor.email,
    profileId: intent.profileId,
    endpointHost: intent.endpointHost,
    bucket: intent.bucket,
    key: intent.key,
    uploadId: intent.uploadId,
    initiated: intent.initiated,
    partsBefore: intent.partsBefore,
    bytesBefore: intent.bytesBefore,
    jobId: intent.jobId ?? null,
  };
}

const SAME_UPLOAD = "profile_id = @profileId AND bucket = @bucket AND key = @key AND upload_id = @uploadId";

export type OpenAttempt =
  | { opened: true; id: number }
  /** Another attempt of the same upload is open (outcome "unknown"): no row was written. */
  | { opened: false; openAttempt: LedgerEntry };

/**
 * Writes the "unknown" row before the abort is sent — unless another attempt of the same
 * upload is open, which is returned instead. One immediate transaction (and the unique index
 * abort_attempt_one_open, across processes): of two aborts of one upload at the same time,
 * exactly one may send.
 */
export function openAttempt(intent: AbortIntent, now = new Date()): OpenAttempt {
  const db = ledgerDb();
  const params = insertParams(intent, now);
  return db
    .transaction((): OpenAttempt => {
      const open = db.prepare(`SELECT * FROM abort_attempt WHERE ${SAME_UPLOAD} AND outcome = 'unknown' LIMIT 1`).get(params) as Row | undefined;
      if (open) return { opened: false, openAttempt: toEntry(open) };
      const result = db
        .prepare(INSERT_ATTEMPT)
        .run({ ...params, outcome: "unknown", attempts: 0, errorCode: null, errorMessage: null, durationMs: null, finishedAt: null });
      return { opened: true, id: Number(result.lastInsertRowid) };
    })
    .immediate();
}

/** Writes the "unknown" row before the abort is sent; returns its id. Throws when another attempt of the upload is open. */
export function recordIntent(intent: AbortIntent, now = new Date()): number {
  const opened = openAttempt(intent, now);
  if (!opened.opened) throw new Error(`attempt #${opened.openAttempt.id} of this upload is still open`);
  return opened.id;
}

/** A row for an attempt that sent no abort (the upload was gone, or another attempt had it): final at once. */
export function recordFinishedAttempt(
  intent: AbortIntent,
  outcome: { outcome: LedgerOutcome; errorCode?: string | null; errorMessage?: string | null },
  now = new Date(),
): number {
  const result = ledgerDb()
    .prepare(INSERT_ATTEMPT)
    .run({
      ...insertParams(intent, now),
      outcome: outcome.outcome,
      attempts: 0,
      errorCode: outcome.errorCode ?? null,
      errorMessage: outcome.errorMessage ?? null,
      durationMs: 0,
      finishedAt: now.toISOString(),
    });
  return Number(result.lastInsertRowid);
}

/** Another attempt of the same upload that already counts it as reclaimed. */
export function reclaimedByOtherAttempt(entry: Pick<LedgerEntry, "id" | "profileId" | "bucket" | "key" | "uploadId">, db = ledgerDb()): number | null {
  const id = db
    .prepare(`SELECT id FROM abort_attempt WHERE ${SAME_UPLOAD} AND outcome = 'reclaimed' AND id <> @id ORDER BY id LIMIT 1`)
    .pluck()
    .get({ profileId: entry.profileId, bucket: entry.bucket, key: entry.key, uploadId: entry.uploadId, id: entry.id }) as number | undefined;
  return id ?? null;
}

/**
 * Completes an intent with what happened; returns the outcome written. In one transaction,
 * "reclaimed" becomes "already-gone" when another attempt of the upload already counts it,
 * so the same bytes are never reclaimed twice.
 */
export function recordOutcome(
  id: number,
  outcome: { outcome: LedgerOutcome; attempts: number; error?: ReclaimError | null; durationMs: number | null },
  now = new Date(),
): LedgerOutcome {
  const db = ledgerDb();
  return db.transaction((): LedgerOutcome => {
    let written = outcome.outcome;
    let errorCode = outcome.error?.s3Code ?? outcome.error?.code ?? null;
    let errorMessage = outcome.error?.message ?? null;
    if (written === "reclaimed") {
      const entry = getEntry(id);
      const other = entry ? reclaimedByOtherAttempt(entry, db) : null;
      if (other !== null) {
        written = "already-gone";
        errorCode = null;
        errorMessage = `Proven gone, but attempt #${other} already counts this upload as reclaimed, so it is not counted again.`;
      }
    }
    db.prepare(
      `UPDATE abort_attempt
          SET outcome = ?, attempts = ?, error_code = ?, error_message = ?, duration_ms = ?, finished_at = ?,
              first_outcome = COALESCE(first_outcome, NULLIF(?, 'unknown'))
        WHERE id = ?`,
    ).run(written, outcome.attempts, errorCode, errorMessage, outcome.durationMs, now.toISOString(), written, id);
    return written;
  })();
}

/** Records an abort's result; returns the outcome written (see recordOutcome). */
export function recordAbortResult(id: number, result: AbortResult): LedgerOutcome {
  return recordOutcome(id, {
    outcome: result.outcome,
    attempts: result.attempts,
    error: result.error ?? null,
    durationMs: result.durationMs,
  });
}

export function getEntry(id: number): LedgerEntry | null {
  const row = ledgerDb().prepare("SELECT * FROM abort_attempt WHERE id = ?").get(id) as Row | undefined;
  return row ? toEntry(row) : null;
}

/** Rows left "unknown" by a crash between intent and outcome (oldest first). */
export function unresolvedEntries(limit = 500): LedgerEntry[] {
  const rows = ledgerDb()
    .prepare("SELECT * FROM abort_attempt WHERE outcome = 'unknown' ORDER BY id LIMIT ?")
    .all(limit) as Row[];
  return rows.map(toEntry);
}

export function countUnresolved(): number {
  return ledgerDb().prepare("SELECT COUNT(*) FROM abort_attempt WHERE outcome = 'unknown'").pluck().get() as number;
}

// Resolving a row after the fact. Every update is conditional on the outcome it was read
// with, so two concurrent resolutions (the startup run and a button) cannot overwrite each
// other: a false / null answer means someone else resolved it in between.

export interface Resolution {
  outcome: LedgerOutcome;
  errorCode: string | null;
  errorMessage: string | null;
  /** Kept as it was when null. */
  finishedAt: string | null;
}

/** Sets a new outcome if the row still has the outcome `entry` was read with. */
export function resolveEntry(entry: LedgerEntry, update: Resolution): boolean {
  const result = ledgerDb()
    .prepare(
      `UPDATE abort_attempt
          SET outcome = @outcome, error_code = @errorCode, error_message = @errorMessage,
              finished_at = COALESCE(@finishedAt, finished_at),
              first_outcome = COALESCE(first_outcome, NULLIF(@outcome, 'unknown'))
        WHERE id = @id AND outcome = @expected`,
    )
    .run({ ...update, id: entry.id, expected: entry.outcome });
  return result.changes === 1;
}

/**
 * The upload was found gone on a later re-verification: the row becomes gone-unknown (nothing
 * proves our abort ended it: its uploader may have completed it, a lifecycle rule aborted it),
 * or already-gone when another attempt of the same upload already counts it as reclaimed.
 * Neither is counted. `message` gets that other attempt's id, or null. Null when the row
 * changed meanwhile.
 */
export function recordGone(
  entry: LedgerEntry,
  at: Date,
  message: (countedBy: number | null) => string,
): { outcome: "gone-unknown" | "already-gone"; message: string; entry: LedgerEntry | null } | null {
  return ledgerDb().transaction(() => {
    const other = reclaimedByOtherAttempt(entry);
    const outcome = other === null ? ("gone-unknown" as const) : ("already-gone" as const);
    const text = message(other);
    const changed = resolveEntry(entry, { outcome, errorCode: null, errorMessage: text, finishedAt: at.toISOString() });
    return changed ? { outcome, message: text, entry: getEntry(entry.id) } : null;
  })();
}

/** An unknown row that cannot be resolved now stays unknown; the reason is noted on it. */
export function noteUnresolved(id: number, code: string, message: string): boolean {
  const result = ledgerDb()
    .prepare(`UPDATE abort_attempt SET error_code = ?, error_message = ? WHERE id = ? AND outcome = 'unknown'`)
    .run(code, message, id);
  return result.changes === 1;
}

export type { Row as LedgerRow };
