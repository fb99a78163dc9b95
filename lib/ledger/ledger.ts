import "server-only";
import type { Selectable } from "kysely";
import { getDb } from "@/lib/db";
import type { AbortAttemptTable } from "@/lib/db/schema";
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

type Row = Selectable<AbortAttemptTable>;

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
    outcome: row.outcome as LedgerOutcome,
    attempts: row.attempts,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    durationMs: row.duration_ms,
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

export type { Row as LedgerRow };
