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

/** Writes the "unknown" row before the abort is sent; returns its id. */
export function recordIntent(intent: AbortIntent, now = new Date()): number {
  const result = ledgerDb()
    .prepare(
      `INSERT INTO abort_attempt
         (started_at, actor_id, actor_email, profile_id, endpoint_host, bucket, key, upload_id,
          initiated, parts_before, bytes_before, job_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      now.toISOString(),
      intent.actor.id,
      intent.actor.email,
      intent.profileId,
      intent.endpointHost,
      intent.bucket,
      intent.key,
      intent.uploadId,
      intent.initiated,
      intent.partsBefore,
      intent.bytesBefore,
      intent.jobId ?? null,
    );
  return Number(result.lastInsertRowid);
}

/** Completes an intent with what happened. */
export function recordOutcome(
  id: number,
  outcome: { outcome: LedgerOutcome; attempts: number; error?: ReclaimError | null; durationMs: number | null },
  now = new Date(),
): void {
  ledgerDb()
    .prepare(
      `UPDATE abort_attempt
          SET outcome = ?, attempts = ?, error_code = ?, error_message = ?, duration_ms = ?, finished_at = ?
        WHERE id = ?`,
    )
    .run(
      outcome.outcome,
      outcome.attempts,
      outcome.error?.s3Code ?? outcome.error?.code ?? null,
      outcome.error?.message ?? null,
      outcome.durationMs,
      now.toISOString(),
      id,
    );
}

export function recordAbortResult(id: number, result: AbortResult): void {
  recordOutcome(id, {
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
              finished_at = COALESCE(@finishedAt, finished_at)
        WHERE id = @id AND outcome = @expected`,
    )
    .run({ ...update, id: entry.id, expected: entry.outcome });
  return result.changes === 1;
}

/** Another attempt of the same upload that already counts its bytes. */
function reclaimedElsewhere(entry: LedgerEntry): number | null {
  const id = ledgerDb()
    .prepare(
      `SELECT id FROM abort_attempt
        WHERE profile_id = ? AND bucket = ? AND key = ? AND upload_id = ? AND outcome = 'reclaimed' AND id <> ?
        ORDER BY id LIMIT 1`,
    )
    .pluck()
    .get(entry.profileId, entry.bucket, entry.key, entry.uploadId, entry.id) as number | undefined;
  return id ?? null;
}

/**
 * The upload is gone: the row counts as reclaimed, unless another attempt of the same upload
 * already does (then already-gone, so the same bytes are never counted twice). `message`
 * gets that other attempt's id, or null. Null when the row changed meanwhile.
 */
export function recordGone(
  entry: LedgerEntry,
  at: Date,
  message: (countedBy: number | null) => string,
): { outcome: "reclaimed" | "already-gone"; message: string; entry: LedgerEntry | null } | null {
  return ledgerDb().transaction(() => {
    const other = reclaimedElsewhere(entry);
    const outcome = other === null ? ("reclaimed" as const) : ("already-gone" as const);
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
