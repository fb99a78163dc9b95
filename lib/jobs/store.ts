import "server-only";
import { ledgerDb } from "@/lib/ledger/db";
import { emptyCounts } from "@/lib/jobs/status";
import type {
  BulkJob,
  BulkJobItem,
  BulkSelection,
  ItemFilter,
  ItemOutcome,
  ItemState,
  JobItemsPage,
  JobStatus,
  SelectedUpload,
} from "@/lib/jobs/types";

// SQLite persistence of bulk jobs (tables from migration 2 in lib/ledger/migrations.ts).
// Every write is one short synchronous statement or transaction; the job's counters are
// updated in the same transaction as the item, so a poll never sees them disagree.

const COUNT_COLUMN: Record<ItemOutcome, string> = {
  reclaimed: "n_reclaimed",
  "already-gone": "n_already_gone",
  "verify-failed": "n_verify_failed",
  denied: "n_denied",
  failed: "n_failed",
  skipped: "n_skipped",
  "skipped-active": "n_skipped_active",
  "not-attempted": "n_not_attempted",
  interrupted: "n_interrupted",
};

interface JobRow {
  id: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  actor_id: string | null;
  actor_email: string;
  profile_id: string;
  endpoint_host: string;
  filter_json: string;
  include_active: number;
  status: JobStatus;
  total: number;
  done: number;
  parts_selected: number;
  bytes_selected: number;
  bytes_reclaimed: number;
  n_reclaimed: number;
  n_already_gone: number;
  n_verify_failed: number;
  n_denied: number;
  n_failed: number;
  n_skipped: number;
  n_skipped_active: number;
  n_not_attempted: number;
  n_interrupted: number;
  message: string | null;
  runner_id: string | null;
  heartbeat_at: string | null;
}

interface ItemRow {
  job_id: string;
  seq: number;
  bucket: string;
  key: string;
  upload_id: string;
  initiated: string | null;
  parts_before: number | null;
  bytes_before: number | null;
  state: ItemState;
  attempts: number;
  bytes_reclaimed: number;
  error_code: string | null;
  error_message: string | null;
  ledger_id: number | null;
  started_at: string | null;
  finished_at: string | null;
  reread_parts: number;
  parts_read_at: string | null;
}

function toJob(row: JobRow): BulkJob {
  const counts = emptyCounts();
  for (const [outcome, column] of Object.entries(COUNT_COLUMN) as [ItemOutcome, string][]) {
    counts[outcome] = Number(row[column as keyof JobRow] ?? 0);
  }
  return {
    id: row.id,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    actorEmail: row.actor_email,
    profileId: row.profile_id,
    endpointHost: row.endpoint_host,
    selection: JSON.parse(row.filter_json) as BulkSelection,
    includeActive: row.include_active === 1,
    status: row.status,
    total: row.total,
    done: row.done,
    partsSelected: row.parts_selected,
    bytesSelected: row.bytes_selected,
    bytesReclaimed: row.bytes_reclaimed,
    counts,
    message: row.message,
  };
}

function toItem(row: ItemRow): BulkJobItem {
  return {
    seq: row.seq,
    bucket: row.bucket,
    key: row.key,
    uploadId: row.upload_id,
    initiated: row.initiated,
    partsBefore: row.parts_before,
    bytesBefore: row.bytes_before,
    state: row.state,
    attempts: row.attempts,
    bytesReclaimed: row.bytes_reclaimed,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    ledgerId: row.ledger_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export interface NewJob {
  id: string;
  actor: { id: string | null; email: string };
  profileId: string;
  endpointHost: string;
  selection: BulkSelection;
  includeActive: boolean;
  runnerId: string;
  items: readonly JobItemInput[];
}

/** An upload the job covers, as the dry run saw it. */
export interface JobItemInput extends SelectedUpload {
  /**
   * It had activity within the dry run's "looks active" window (included on request).
   * Unknown (omitted) counts as active.
   */
  lookedActive?: boolean;
}

/** A pending item as the runner takes it. */
export interface RunnableItem extends BulkJobItem {
  /**
   * Read ListParts again right before the abort. False when the upload looked idle and its
   * size was read by the dry run: that snapshot is the ledger's "before", saving one
   * request per upload (a part landing meanwhile is caught by the verify step) — as long as
   * that read is recent (see partsReadAt).
   */
  rereadParts: boolean;
  /** When the dry run read its parts (ISO); null = unknown. */
  partsReadAt: string | null;
}

/** The job row and all its items, in one transaction; status "queued". */
export function insertJob(job: NewJob, now = new Date()): BulkJob {
  const db = ledgerDb();
  let parts = 0;
  let bytes = 0;
  for (const item of job.items) {
    parts += item.parts ?? 0;
    bytes += item.bytes ?? 0;
  }
  db.transaction(() => {
    db.prepare(
      `INSERT INTO bulk_job (id, created_at, actor_id, actor_email, profile_id, endpoint_host, filter_json,
                             include_active, status, total, parts_selected, bytes_selected, runner_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
    ).run(
      job.id,
      now.toISOString(),
      job.actor.id,
      job.actor.email,
      job.profileId,
      job.endpointHost,
      JSON.stringify(job.selection),
      job.includeActive ? 1 : 0,
      job.items.length,
      parts,
      bytes,
      job.runnerId,
    );
    const insert = db.prepare(
      `INSERT INTO bulk_job_item (job_id, seq, bucket, key, upload_id, initiated, parts_before, bytes_before, reread_parts, parts_read_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    job.items.forEach((item, seq) => {
      const reread = item.lookedActive !== false || item.parts === null || item.bytes === null;
      insert.run(job.id, seq, item.bucket, item.key, item.uploadId, item.initiated, item.parts, item.bytes, reread ? 1 : 0, item.partsReadAt ?? null);
    });
  })();
  const created = getJob(job.id);
  if (!created) throw new Error(`bulk job ${job.id} vanished after insert`);
  return created;
}

export function getJob(id: string): BulkJob | null {
  const row = ledgerDb().prepare("SELECT * FROM bulk_job WHERE id = ?").get(id) as JobRow | undefined;
  return row ? toJob(row) : null;
}

export function listJobs(options: { profileId?: string; limit?: number } = {}): BulkJob[] {
  const limit = Math.min(Math.max(options.limit ?? 20, 1), 200);
  const rows = (
    options.profileId
      ? ledgerDb().prepare("SELECT * FROM bulk_job WHERE profile_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?").all(options.profileId, limit)
      : ledgerDb().prepare("SELECT * FROM bulk_job ORDER BY created_at DESC, rowid DESC LIMIT ?").all(limit)
  ) as JobRow[];
  return rows.map(toJob);
}

export interface UnfinishedJob {
  id: string;
  status: JobStatus;
  profileId: string;
  runnerId: string | null;
  /** Last sign of life of the process running it (ISO), or when it was created. */
  heartbeatAt: string;
}

/** Jobs not finished, optionally of one profile. */
export function unfinishedJobs(profileId?: string): UnfinishedJob[] {
  const rows = ledgerDb()
    .prepare(
      `SELECT id, status, runner_id, profile_id, COALESCE(heartbeat_at, started_at, created_at) AS heartbeat_at FROM bulk_job
        WHERE status IN ('queued', 'running', 'cancelling') ${profileId ? "AND profile_id = ?" : ""}`,
    )
    .all(...(profileId ? [profileId] : [])) as { id: string; status: JobStatus; runner_id: string | null; profile_id: string; heartbeat_at: string }[];
  return rows.map((r) => ({ id: r.id, status: r.status, runnerId: r.runner_id, profileId: r.profile_id, heartbeatAt: r.heartbeat_at }));
}

/** The running process is alive: stamps the jobs it runs. */
export function touchJobs(ids: readonly string[], now = new Date()): void {
  if (ids.length === 0) return;
  ledgerDb()
    .prepare(`UPDATE bulk_job SET heartbeat_at = ? WHERE id IN (${ids.map(() => "?").join(", ")})`)
    .run(now.toISOString(), ...ids);
}

export function setJobStatus(id: string, status: JobStatus, extra: { message?: string | null; started?: boolean } = {}, now = new Date()): void {
  const sets = ["status = ?"];
  const args: unknown[] = [status];
  if (extra.message !== undefined) {
    sets.push("message = ?");
    args.push(extra.message);
  }
  if (extra.started) {
    sets.push("started_at = COALESCE(started_at, ?)");
    args.push(now.toISOString());
  }
  ledgerDb().prepare(`UPDATE bulk_job SET ${sets.join(", ")} WHERE id = ?`).run(...args, id);
}

/** Asks a queued/running job to stop; false when it had already finished. */
export function requestCancel(id: string): boolean {
  const result = ledgerDb()
    .prepare("UPDATE bulk_job SET status = 'cancelling' WHERE id = ? AND status IN ('queued', 'running')")
    .run(id);
  return result.changes > 0;
}

/** Items still to do, in order. */
export function pendingItems(jobId: string): RunnableItem[] {
  const rows = ledgerDb()
    .prepare("SELECT * FROM bulk_job_item WHERE job_id = ? AND state = 'pending' ORDER BY seq")
    .all(jobId) as ItemRow[];
  return rows.map((row) => ({ ...toItem(row), rereadParts: row.reread_parts !== 0, partsReadAt: row.parts_read_at }));
}

export function markItemRunning(jobId: string, seq: number, now = new Date()): void {
  ledgerDb()
    .prepare("UPDATE bulk_job_item SET state = 'running', started_at = ? WHERE job_id = ? AND seq = ? AND state = 'pending'")
    .run(now.toISOString(), jobId, seq);
}

export interface ItemResult {
  outcome: ItemOutcome;
  attempts: number;
  bytesReclaimed: number;
  errorCode: string | null;
  errorMessage: string | null;
  ledgerId: number | null;
}

/** Records an item's outcome and bumps the job's counters, atomically. */
export function finishItem(jobId: string, seq: number, result: ItemResult, now = new Date()): void {
  const db = ledgerDb();
  db.transaction(() => {
    const changed = db
      .prepare(
        `UPDATE bulk_job_item
            SET state = ?, attempts = ?, bytes_reclaimed = ?, error_code = ?, error_message = ?, ledger_id = ?, finished_at = ?
          WHERE job_id = ? AND seq = ? AND state IN ('pending', 'running')`,
      )
      .run(result.outcome, result.attempts, result.bytesReclaimed, result.errorCode, result.errorMessage, result.ledgerId, now.toISOString(), jobId, seq);
    if (changed.changes === 0) return; // already final: never count twice
    const column = COUNT_COLUMN[result.outcome];
    db.prepare(`UPDATE bulk_job SET done = done + 1, ${column} = ${column} + 1, bytes_reclaimed = bytes_reclaimed + ? WHERE id = ?`).run(
      result.bytesReclaimed,
      jobId,
    );
  })();
}

/**
 * Gives every item still in `from` states the outcome `to` (skipped / not attempted /
 * interrupted), with the same reason, and bumps the counters. Returns how many changed.
 */
export function settleItems(jobId: string, from: readonly ("pending" | "running")[], to: ItemOutcome, reason: string, now = new Date()): number {
  const db = ledgerDb();
  return db.transaction(() => {
    const placeholders = from.map(() => "?").join(", ");
    const changed = db
      .prepare(
        `UPDATE bulk_job_item SET state = ?, error_message = ?, finished_at = ?
          WHERE job_id = ? AND state IN (${placeholders})`,
      )
      .run(to, reason, now.toISOString(), jobId, ...from).changes;
    if (changed > 0) {
      const column = COUNT_COLUMN[to];
      db.prepare(`UPDATE bulk_job SET done = done + ?, ${column} = ${column} + ? WHERE id = ?`).run(changed, changed, jobId);
    }
    return changed;
  })();
}

export function finishJob(id: string, status: JobStatus, message: string | null, now = new Date()): void {
  ledgerDb().prepare("UPDATE bulk_job SET status = ?, message = ?, finished_at = ? WHERE id = ?").run(status, message, now.toISOString(), id);
}

/** The newest ledger row this job wrote for this upload (abort_attempt.job_id). */
export function latestLedgerId(jobId: string, item: { bucket: string; key: string; uploadId: string }): number | null {
  const row = ledgerDb()
    .prepare(
      "SELECT id FROM abort_attempt WHERE job_id = ? AND upload_id = ? AND bucket = ? AND key = ? ORDER BY id DESC LIMIT 1",
    )
    .get(jobId, item.uploadId, item.bucket, item.key) as { id: number } | undefined;
  return row?.id ?? null;
}

const PROBLEM_STATES: readonly ItemState[] = ["verify-failed", "denied", "failed", "interrupted", "not-attempted", "skipped", "skipped-active"];

/** One page of a job's items; `problems` = anything not reclaimed / already gone / pending. */
export function listItems(jobId: string, options: { filter?: ItemFilter; offset?: number; limit?: number } = {}): JobItemsPage {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  const offset = Math.max(options.offset ?? 0, 0);
  const filter = options.filter ?? "all";
  const states: readonly ItemState[] | null = filter === "all" ? null : filter === "problems" ? PROBLEM_STATES : [filter];
  const where = states ? `job_id = ? AND state IN (${states.map(() => "?").join(", ")})` : "job_id = ?";
  const args = states ? [jobId, ...states] : [jobId];
  const db = ledgerDb();
  const total = (db.prepare(`SELECT count(*) AS n FROM bulk_job_item WHERE ${where}`).get(...args) as { n: number }).n;
  const rows = db.prepare(`SELECT * FROM bulk_job_item WHERE ${where} ORDER BY seq LIMIT ? OFFSET ?`).all(...args, limit, offset) as ItemRow[];
  return { items: rows.map(toItem), total, offset, limit };
}
