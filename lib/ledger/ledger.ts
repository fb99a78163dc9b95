import "server-only";
import { ledgerDb } from "@/lib/ledger/db";
import type { AbortOutcome, AbortResult, ReclaimError } from "@/lib/s3/types";

// The record of what was reclaimed. After an abort the upload is gone from S3; this is the
// only trace of it, so the intent is written before the abort and completed after.

export type LedgerOutcome = AbortOutcome | "unknown";

export interface Actor {
  id: string | null;
  email: string;
}

/** Which upload an attempt is about, and what it held just before the abort. */
export interface AttemptTarget {
  profileId: string;
  endpointHost: string;
  bucket: string;
  key: string;
  uploadId: string;
  initiated: string | null;
  partsBefore: number;
  bytesBefore: number;
}

export interface AbortIntent extends AttemptTarget {
  actor: Actor;
  jobId?: string | null;
}

export interface LedgerEntry extends AttemptTarget {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  actorEmail: string;
  outcome: LedgerOutcome;
  attempts: number;
  errorCode: string | null;
  errorMessage: string | null;
  durationMs: number | null;
  jobId: string | null;
}

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
          SET outcome = ?, attempts = ?, error_code = ?, error_message = ?, duration_ms = ?, finished_at = ?,
              first_outcome = COALESCE(first_outcome, NULLIF(?, 'unknown'))
        WHERE id = ?`,
    )
    .run(
      outcome.outcome,
      outcome.attempts,
      outcome.error?.s3Code ?? outcome.error?.code ?? null,
      outcome.error?.message ?? null,
      outcome.durationMs,
      now.toISOString(),
      outcome.outcome,
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

export type { Row as LedgerRow };
