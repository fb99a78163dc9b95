import "server-only";
import { type Selectable, sql } from "kysely";
import { type Db, dialectOf, getDb, writeTransaction } from "@/lib/db";
import type { BulkJobItemTable, BulkJobTable } from "@/lib/db/schema";
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

// Persistence of bulk jobs (tables from migration 0002 in lib/ledger/migrations.ts), on
// SQLite or PostgreSQL. Every write is one short statement or transaction; the job's
// counters are updated in the same transaction as the item, so a poll never sees them
// disagree, and an item's outcome is counted only by the update that made it final.

type CountColumn =
  | "n_reclaimed"
  | "n_already_gone"
  | "n_verify_failed"
  | "n_denied"
  | "n_failed"
  | "n_skipped"
  | "n_skipped_active"
  | "n_not_attempted"
  | "n_interrupted";

const COUNT_COLUMN: Record<ItemOutcome, CountColumn> = {
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

type JobRow = Selectable<BulkJobTable>;
type ItemRow = Selectable<BulkJobItemTable>;

function toJob(row: JobRow): BulkJob {
  const counts = emptyCounts();
  for (const [outcome, column] of Object.entries(COUNT_COLUMN) as [ItemOutcome, CountColumn][]) {
    counts[outcome] = Number(row[column] ?? 0);
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
    includeActive: Number(row.include_active) === 1,
    status: row.status as JobStatus,
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
    state: row.state as ItemState,
    attempts: row.attempts,
    bytesReclaimed: row.bytes_reclaimed,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    ledgerId: row.ledger_id === null ? null : Number(row.ledger_id),
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
  /** The instance that runs it: it holds the job's lease until `leaseUntil`. */
  runnerId: string;
  leaseUntil: Date;
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

/** The profile already has an unfinished job (the one returned): no second job was recorded. */
export class ProfileBusyError extends Error {
  override name = "ProfileBusyError";
  constructor(readonly busy: UnfinishedJob) {
    super(`bulk job ${busy.id} is still ${busy.status} on profile ${busy.profileId}`);
  }
}

/** "RCJB": the class of the advisory locks that serialise new jobs per profile (PostgreSQL). */
const JOB_PROFILE_LOCK = 0x52434a42;

/**
 * The job row and all its items, in one transaction; status "queued". One job per profile at
 * a time: throws ProfileBusyError when the profile has an unfinished job. The check and the
 * insert are one write transaction, so two starts at once (two instances, a policy run and an
 * admin) never both find the profile free: SQLite's one writer serialises them; on PostgreSQL
 * a transaction advisory lock keyed by the profile does, and the second reads what the first
 * committed.
 */
export async function insertJob(job: NewJob, now = new Date()): Promise<BulkJob> {
  const db = await getDb();
  let parts = 0;
  let bytes = 0;
  for (const item of job.items) {
    parts += item.parts ?? 0;
    bytes += item.bytes ?? 0;
  }
  await writeTransaction(db, async (trx) => {
    if (dialectOf(trx) === "postgres") await sql`SELECT pg_advisory_xact_lock(${sql.lit(JOB_PROFILE_LOCK)}, hashtext(${job.profileId}))`.execute(trx);
    const busy = (await unfinishedJobsIn(trx, job.profileId))[0];
    if (busy) throw new ProfileBusyError(busy);
    await trx
      .insertInto("bulk_job")
      .values({
        id: job.id,
        created_at: now.toISOString(),
        actor_id: job.actor.id,
        actor_email: job.actor.email,
        profile_id: job.profileId,
        endpoint_host: job.endpointHost,
        filter_json: JSON.stringify(job.selection),
        include_active: job.includeActive ? 1 : 0,
        status: "queued",
        total: job.items.length,
        parts_selected: parts,
        bytes_selected: bytes,
        runner_id: job.runnerId,
        heartbeat_at: now.toISOString(),
        lease_expires_at: job.leaseUntil.toISOString(),
      })
      .execute();
    const rows = job.items.map((item, seq) => {
      const reread = item.lookedActive !== false || item.parts === null || item.bytes === null;
      return {
        job_id: job.id,
        seq,
        bucket: item.bucket,
        key: item.key,
        upload_id: item.uploadId,
        initiated: item.initiated,
        parts_before: item.parts,
        bytes_before: item.bytes,
        reread_parts: reread ? 1 : 0,
        parts_read_at: item.partsReadAt ?? null,
      };
    });
    // Several rows per statement (SQLite allows 32,766 bound values: 500 rows × 10 stay well below).
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      await trx.insertInto("bulk_job_item").values(rows.slice(i, i + INSERT_BATCH)).execute();
    }
  });
  const created = await getJob(job.id);
  if (!created) throw new Error(`bulk job ${job.id} vanished after insert`);
  return created;
}

const INSERT_BATCH = 500;

export async function getJob(id: string): Promise<BulkJob | null> {
  const db = await getDb();
  const row = await db.selectFrom("bulk_job").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toJob(row) : null;
}

export async function listJobs(options: { profileId?: string; limit?: number } = {}): Promise<BulkJob[]> {
  const limit = Math.min(Math.max(options.limit ?? 20, 1), 200);
  const db = await getDb();
  let query = db.selectFrom("bulk_job").selectAll();
  if (options.profileId) query = query.where("profile_id", "=", options.profileId);
  const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute();
  return rows.map(toJob);
}

export interface UnfinishedJob {
  id: string;
  status: JobStatus;
  profileId: string;
  /** The instance holding its lease. */
  runnerId: string | null;
  /** Until when (ISO); null for jobs from before leases (expired). */
  leaseExpiresAt: string | null;
}

const UNFINISHED: readonly JobStatus[] = ["queued", "running", "cancelling"];

/** Jobs not finished, optionally of one profile. */
export async function unfinishedJobs(profileId?: string): Promise<UnfinishedJob[]> {
  return unfinishedJobsIn(await getDb(), profileId);
}

async function unfinishedJobsIn(db: Db, profileId?: string): Promise<UnfinishedJob[]> {
  let query = db.selectFrom("bulk_job").select(["id", "status", "runner_id", "profile_id", "lease_expires_at"]).where("status", "in", UNFINISHED);
  if (profileId) query = query.where("profile_id", "=", profileId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    status: r.status as JobStatus,
    runnerId: r.runner_id,
    profileId: r.profile_id,
    leaseExpiresAt: r.lease_expires_at,
  }));
}

/** Ids of unfinished jobs, as a subquery (their ledger rows belong to whoever runs them). */
export function unfinishedJobIds(db: Db) {
  return db.selectFrom("bulk_job").select("id").where("status", "in", UNFINISHED);
}

export async function isJobUnfinished(id: string): Promise<boolean> {
  const db = await getDb();
  return (await unfinishedJobIds(db).where("id", "=", id).executeTakeFirst()) !== undefined;
}

/** Who may run a job and with what: what an instance taking it over needs. */
export interface JobRunInfo {
  id: string;
  status: JobStatus;
  profileId: string;
  endpointHost: string;
  actor: { id: string | null; email: string };
}

export async function jobRunInfo(id: string): Promise<JobRunInfo | null> {
  const db = await getDb();
  const row = await db
    .selectFrom("bulk_job")
    .select(["id", "status", "profile_id", "endpoint_host", "actor_id", "actor_email"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    status: row.status as JobStatus,
    profileId: row.profile_id,
    endpointHost: row.endpoint_host,
    actor: { id: row.actor_id, email: row.actor_email },
  };
}

export type LeaseState =
  /** Still ours; the job's status as it is now (a cancel from another instance shows here). */
  | { held: true; status: JobStatus }
  /** Taken over by another instance, or the job finished. */
  | { held: false };

/** The holder is alive: extends the lease of a job it runs. */
export async function renewLease(id: string, owner: string, leaseMs: number, now = new Date()): Promise<LeaseState> {
  const db = await getDb();
  const row = await db
    .updateTable("bulk_job")
    .set({ heartbeat_at: now.toISOString(), lease_expires_at: new Date(now.getTime() + leaseMs).toISOString() })
    .where("id", "=", id)
    .where("runner_id", "=", owner)
    .where("status", "in", UNFINISHED)
    .returning("status")
    .executeTakeFirst();
  return row ? { held: true, status: row.status as JobStatus } : { held: false };
}

/**
 * Takes over one unfinished job whose lease has expired (its holder stopped renewing it:
 * the process died) and returns its id, or null when there is none. PostgreSQL: the row is
 * picked with FOR UPDATE SKIP LOCKED, so instances looking at once take different jobs
 * without waiting on each other. SQLite: its single writer serialises the claims. Either
 * way the UPDATE re-checks the expiry, so a job is taken by one instance only.
 * `anyLease` takes jobs whose lease has not expired yet (SQLite at start: one server per
 * file, so the holder was this server's previous process).
 */
export async function claimExpiredJob(
  owner: string,
  leaseMs: number,
  options: { now?: Date; anyLease?: boolean } = {},
): Promise<string | null> {
  const now = options.now ?? new Date();
  const db = await getDb();
  return db.transaction().execute(async (trx) => {
    const claimable = (qb: typeof trx) =>
      qb
        .selectFrom("bulk_job")
        .select("id")
        .where("status", "in", UNFINISHED)
        .where((eb) =>
          options.anyLease
            ? eb.or([eb("runner_id", "is", null), eb("runner_id", "<>", owner)])
            : eb.or([eb("lease_expires_at", "is", null), eb("lease_expires_at", "<", now.toISOString())]),
        )
        .orderBy("created_at")
        .limit(1);
    const picked =
      dialectOf(trx) === "postgres"
        ? await claimable(trx).forUpdate().skipLocked().executeTakeFirst()
        : await claimable(trx).executeTakeFirst();
    if (!picked) return null;
    const taken = await trx
      .updateTable("bulk_job")
      .set({
        runner_id: owner,
        heartbeat_at: now.toISOString(),
        lease_expires_at: new Date(now.getTime() + leaseMs).toISOString(),
      })
      .where("id", "=", picked.id)
      .where("status", "in", UNFINISHED)
      .where((eb) =>
        options.anyLease
          ? eb.or([eb("runner_id", "is", null), eb("runner_id", "<>", owner)])
          : eb.or([eb("lease_expires_at", "is", null), eb("lease_expires_at", "<", now.toISOString())]),
      )
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1 ? picked.id : null;
  });
}

/** queued → running (a cancel that came first wins: the job stays "cancelling"). */
export async function markJobRunning(id: string, owner: string, now = new Date()): Promise<void> {
  const db = await getDb();
  await db
    .updateTable("bulk_job")
    .set((eb) => ({ status: "running", started_at: eb.fn.coalesce("started_at", eb.val(now.toISOString())) }))
    .where("id", "=", id)
    .where("runner_id", "=", owner)
    .where("status", "=", "queued")
    .execute();
}

/** Asks a queued/running job to stop; false when it had already finished. */
export async function requestCancel(id: string): Promise<boolean> {
  const db = await getDb();
  const result = await db
    .updateTable("bulk_job")
    .set({ status: "cancelling" })
    .where("id", "=", id)
    .where("status", "in", ["queued", "running"])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Items in one state (pending: still to do; running: in flight), in order. */
export async function itemsIn(jobId: string, state: "pending" | "running"): Promise<RunnableItem[]> {
  const db = await getDb();
  const rows = await db
    .selectFrom("bulk_job_item")
    .selectAll()
    .where("job_id", "=", jobId)
    .where("state", "=", state)
    .orderBy("seq")
    .execute();
  return rows.map((row) => ({ ...toItem(row), rereadParts: Number(row.reread_parts) !== 0, partsReadAt: row.parts_read_at }));
}

/**
 * pending → running, only while the job is running and `owner` holds it: a cancel (from
 * any instance) or a takeover stops new items here. False when the item was not started.
 */
export async function markItemRunning(jobId: string, seq: number, owner: string, now = new Date()): Promise<boolean> {
  const db = await getDb();
  const result = await db
    .updateTable("bulk_job_item")
    .set({ state: "running", started_at: now.toISOString() })
    .where("job_id", "=", jobId)
    .where("seq", "=", seq)
    .where("state", "=", "pending")
    .where(({ exists, selectFrom }) =>
      exists(selectFrom("bulk_job").select("id").where("id", "=", jobId).where("status", "=", "running").where("runner_id", "=", owner)),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** running → pending: an item whose abort was never sent (no ledger row) goes back in line. */
export async function requeueItem(jobId: string, seq: number): Promise<void> {
  const db = await getDb();
  await db
    .updateTable("bulk_job_item")
    .set({ state: "pending", started_at: null })
    .where("job_id", "=", jobId)
    .where("seq", "=", seq)
    .where("state", "=", "running")
    .execute();
}

export interface ItemResult {
  outcome: ItemOutcome;
  attempts: number;
  bytesReclaimed: number;
  errorCode: string | null;
  errorMessage: string | null;
  ledgerId: number | null;
}

/** Adds `n` items of one outcome (and their reclaimed bytes) to the job's counters. */
async function countItems(trx: Db, jobId: string, outcome: ItemOutcome, n: number, bytes: number): Promise<void> {
  const column = COUNT_COLUMN[outcome];
  await trx
    .updateTable("bulk_job")
    .set((eb) => ({
      done: eb("done", "+", n),
      [column]: eb(column, "+", n),
      bytes_reclaimed: eb("bytes_reclaimed", "+", bytes),
    }))
    .where("id", "=", jobId)
    .execute();
}

/** Records an item's outcome and bumps the job's counters, atomically. */
export async function finishItem(jobId: string, seq: number, result: ItemResult, now = new Date()): Promise<void> {
  const db = await getDb();
  await db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable("bulk_job_item")
      .set({
        state: result.outcome,
        attempts: result.attempts,
        bytes_reclaimed: result.bytesReclaimed,
        error_code: result.errorCode,
        error_message: result.errorMessage,
        ledger_id: result.ledgerId,
        finished_at: now.toISOString(),
      })
      .where("job_id", "=", jobId)
      .where("seq", "=", seq)
      .where("state", "in", ["pending", "running"])
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) === 0) return; // already final: never count twice
    await countItems(trx, jobId, result.outcome, 1, result.bytesReclaimed);
  });
}

/**
 * Gives every item still in `from` states the outcome `to` (skipped / not attempted /
 * interrupted), with the same reason, and bumps the counters. Returns how many changed.
 */
export async function settleItems(
  jobId: string,
  from: readonly ("pending" | "running")[],
  to: ItemOutcome,
  reason: string,
  now = new Date(),
): Promise<number> {
  const db = await getDb();
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("bulk_job_item")
      .set({ state: to, error_message: reason, finished_at: now.toISOString() })
      .where("job_id", "=", jobId)
      .where("state", "in", from)
      .executeTakeFirst();
    const changed = Number(result.numUpdatedRows);
    if (changed > 0) await countItems(trx, jobId, to, changed, 0);
    return changed;
  });
}

/** Final status; only by the lease holder (an instance that lost the job leaves it alone). */
export async function finishJob(id: string, owner: string, status: JobStatus, message: string | null, now = new Date()): Promise<void> {
  const db = await getDb();
  await db
    .updateTable("bulk_job")
    .set({ status, message, finished_at: now.toISOString(), lease_expires_at: null })
    .where("id", "=", id)
    .where("runner_id", "=", owner)
    .execute();
}

const PROBLEM_STATES: readonly ItemState[] = ["verify-failed", "denied", "failed", "interrupted", "not-attempted", "skipped", "skipped-active"];

/** One page of a job's items; `problems` = anything not reclaimed / already gone / pending. */
export async function listItems(
  jobId: string,
  options: { filter?: ItemFilter; offset?: number; limit?: number } = {},
): Promise<JobItemsPage> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  const offset = Math.max(options.offset ?? 0, 0);
  const filter = options.filter ?? "all";
  const states: readonly ItemState[] | null = filter === "all" ? null : filter === "problems" ? PROBLEM_STATES : [filter];
  const db = await getDb();
  let query = db.selectFrom("bulk_job_item").where("job_id", "=", jobId);
  if (states) query = query.where("state", "in", states);
  const counted = await query.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const rows = await query.selectAll().orderBy("seq").limit(limit).offset(offset).execute();
  return { items: rows.map(toItem), total: Number(counted.n), offset, limit };
}
