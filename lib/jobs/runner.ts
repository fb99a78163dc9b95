import "server-only";
import { randomUUID } from "node:crypto";
import { KnownError } from "@/lib/errors";
import { JOB_STATUSES } from "@/lib/outcomes";
import { toPublicProfile, type Profile } from "@/lib/profiles";
import {
  cancelledMessage,
  databaseFailureMessage,
  finalStatus,
  interruptedMessage,
  isFinished,
  isThrottled,
  summaryMessage,
  throttleBackoffMs,
  UnreachableStreak,
  unreachableMessage,
  type StopReason,
} from "@/lib/jobs/status";
import {
  finishItem,
  finishJob,
  getJob,
  insertJob,
  latestLedgerId,
  listJobs,
  markItemRunning,
  pendingItems,
  requestCancel,
  setJobStatus,
  settleItems,
  touchJobs,
  unfinishedJobs,
  type ItemResult,
  type JobItemInput,
  type RunnableItem,
  type UnfinishedJob,
} from "@/lib/jobs/store";
import { formatDateTime } from "@/lib/format";
import { looksActive, partsReadIsRecent } from "@/lib/jobs/selection";
import type { AbortResult, BulkJob, BulkJobItem, BulkSelection, ItemOutcome, SelectedUpload } from "@/lib/jobs/types";
import { recordAbortResult } from "@/lib/ledger/ledger";
import type { PartsSnapshot } from "@/lib/s3/abort";
import { errorMessage, logger } from "@/lib/log";
import { withS3Cause } from "@/lib/s3/request-events";
import { abortUpload, LedgerWriteError, readUploadParts } from "@/lib/uploads/service";

// Bulk jobs run inside the server process, not the browser: closing the tab does not stop
// them, and the page polls the job by id. Every item goes through abortUpload (parts
// snapshot → ledger intent → abort + verify → ledger outcome), a bounded number at once.
//
// Stopping early never leaves a guess behind: an item not started stays "pending" until the
// job settles it as "skipped" (cancel) or "not attempted" (endpoint unreachable, restart),
// and such an item has no ledger row, because no abort was sent for it.

export interface RunnerOptions {
  /** Items in flight at once (default 8). */
  concurrency?: number;
  /** Extra abortUpload calls for an item that failed with "throttled" (default 3). */
  maxThrottleRetries?: number;
  /** First throttle back-off, doubled each retry (default 500 ms). */
  throttleBaseMs?: number;
  /** Stop after this many "endpoint unreachable" failures in a row (default 10). */
  unreachableLimit?: number;
  /**
   * A dry run's parts read older than this is read again right before the abort (default
   * one minute): a job started from an old preview re-checks each upload's activity.
   */
  rereadPartsOlderThanMs?: number;
}

export const DEFAULT_JOB_CONCURRENCY = 8;
const DEFAULT_THROTTLE_RETRIES = 3;
const DEFAULT_THROTTLE_BASE_MS = 500;
const DEFAULT_UNREACHABLE_LIMIT = 10;
export const DEFAULT_REREAD_PARTS_OLDER_THAN_MS = 60_000;
/** How often a running process stamps its jobs. */
const HEARTBEAT_MS = 5_000;
/** A job whose process has not stamped it for this long is treated as interrupted. */
const ORPHAN_AFTER_MS = 60_000;

export type JobActor = { id: string | null; email: string };

interface Control {
  jobId: string;
  profileId: string;
  cancelled: boolean;
  done: Promise<void>;
}

interface Runtime {
  runnerId: string;
  running: Map<string, Control>;
  heartbeat: ReturnType<typeof setInterval> | undefined;
}

// On globalThis so a dev-mode module reload keeps the jobs it started.
const globalForJobs = globalThis as unknown as { reclaimBulkRuntime?: Runtime };

function runtime(): Runtime {
  globalForJobs.reclaimBulkRuntime ??= { runnerId: randomUUID(), running: new Map(), heartbeat: undefined };
  return globalForJobs.reclaimBulkRuntime;
}

function startHeartbeat(): void {
  const rt = runtime();
  if (rt.heartbeat) return;
  rt.heartbeat = setInterval(() => {
    try {
      touchJobs([...rt.running.keys()]);
    } catch (error) {
      logger().error({ event: "bulk-job", error: errorMessage(error) }, "bulk job heartbeat failed");
    }
  }, HEARTBEAT_MS);
  rt.heartbeat.unref();
}

function stopHeartbeatWhenIdle(): void {
  const rt = runtime();
  if (rt.running.size === 0 && rt.heartbeat) {
    clearInterval(rt.heartbeat);
    rt.heartbeat = undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------- interrupted jobs

/** Marks an unfinished job that no process runs any more as failed (interrupted). */
function interrupt(jobId: string): void {
  const interrupted = settleItems(
    jobId,
    ["running"],
    "interrupted",
    "Interrupted — the server stopped while this abort was in flight; the ledger keeps it as \"unknown\" until it is verified again.",
  );
  const notAttempted = settleItems(
    jobId,
    ["pending"],
    "not-attempted",
    "Not attempted — the server stopped before this upload was started; it was not touched.",
  );
  finishJob(jobId, "failed", interruptedMessage(notAttempted, interrupted));
}

function isOrphan(job: UnfinishedJob, now = Date.now()): boolean {
  const rt = runtime();
  if (rt.running.has(job.id)) return false;
  if (job.runnerId === rt.runnerId) return true; // ours, yet not running: its run ended abnormally
  return now - Date.parse(job.heartbeatAt) > ORPHAN_AFTER_MS;
}

/** Settles jobs left unfinished by a process that is gone (no heartbeat for a minute). */
function reconcileOrphans(profileId?: string): void {
  for (const job of unfinishedJobs(profileId)) {
    if (isOrphan(job)) interrupt(job.id);
  }
}

/**
 * Call once at server start, before any job starts (lib/startup.ts): every job still
 * queued/running/cancelling was run by a previous process, so it is marked failed
 * ("interrupted"); items not started become "not attempted" (untouched on S3), items in
 * flight become "interrupted" (their ledger rows stay "unknown" for re-verification).
 * Assumes one server process per database file. Returns how many jobs were marked.
 */
export function recoverInterruptedBulkJobs(): number {
  const rt = runtime();
  let count = 0;
  for (const job of unfinishedJobs()) {
    if (rt.running.has(job.id)) continue;
    interrupt(job.id);
    count++;
  }
  if (count > 0) logger().warn({ event: "bulk-job", interrupted: count }, `marked ${count} bulk job(s) interrupted by the last restart`);
  return count;
}

// ---------------------------------------------------------------- running

function internalFailure(item: BulkJobItem, error: unknown): AbortResult {
  logger().error(
    { event: "bulk-job", bucket: item.bucket, key: item.key, uploadId: item.uploadId, error: errorMessage(error) },
    "bulk job item failed unexpectedly",
  );
  const now = new Date().toISOString();
  return {
    bucket: item.bucket,
    key: item.key,
    uploadId: item.uploadId,
    outcome: "failed",
    attempts: 0,
    partsBefore: item.partsBefore ?? 0,
    bytesBefore: item.bytesBefore ?? 0,
    partsRemaining: 0,
    error: {
      code: "unknown",
      // A known failure (a profile edited meanwhile no longer lists the bucket) says so; anything else is a bug.
      message:
        error instanceof KnownError
          ? error.message
          : "Unexpected server error while aborting this upload — see the server log, then run the filter again.",
    },
    startedAt: now,
    finishedAt: now,
    durationMs: 0,
  };
}

/** What the runner knows of the job while it runs it. */
interface JobContext {
  jobId: string;
  profile: Profile;
  actor: JobActor;
  selection: BulkSelection;
  includeActive: boolean;
  options: Required<RunnerOptions>;
  control: Control;
}

/** An item's fate that the job could not write (the database failed); written again at the end. */
interface Unrecorded {
  seq: number;
  /** The item's result to write; null when nothing was sent for it (it stays untouched). */
  result: ItemResult | null;
  /** The ledger row the abort's outcome must still be written to, when that write failed. */
  ledger?: { id: number; result: AbortResult };
}

type ItemRun =
  | { recorded: true; result: AbortResult | null }
  | { recorded: false; unrecorded: Unrecorded; error: unknown };

/**
 * The parts to record as the ledger's "before": the dry run's, when they may stand (an idle
 * upload read less than a minute ago), else read now. Read now and active again since the
 * preview (and active uploads were not included on purpose): "skipped-active".
 */
async function partsBeforeAbort(ctx: JobContext, item: RunnableItem): Promise<PartsSnapshot | { activeAt: string | null } | undefined> {
  const dryRun = item.partsBefore !== null && item.bytesBefore !== null ? { parts: item.partsBefore, bytes: item.bytesBefore } : undefined;
  if (dryRun && !item.rereadParts && partsReadIsRecent(item.partsReadAt, Date.now(), ctx.options.rereadPartsOlderThanMs)) return dryRun;
  const ref = { bucket: item.bucket, key: item.key, uploadId: item.uploadId };
  const fresh = await readUploadParts(ctx.profile, ref);
  // Gone or unreadable: abortUpload reads again and records what it finds.
  if (fresh.status !== "listed") return undefined;
  const now: SelectedUpload = { ...ref, initiated: item.initiated, parts: fresh.parts.parts, bytes: fresh.parts.bytes, lastPartAt: fresh.parts.lastPartAt };
  if (!ctx.includeActive && looksActive(now, ctx.selection, Date.now())) return { activeAt: fresh.parts.lastPartAt };
  return { parts: fresh.parts.parts, bytes: fresh.parts.bytes };
}

function skippedActive(activeAt: string | null, ctx: JobContext): ItemResult {
  const when = activeAt ? ` at ${formatDateTime(activeAt, { seconds: true })}` : "";
  return {
    outcome: "skipped-active",
    attempts: 0,
    bytesReclaimed: 0,
    errorCode: null,
    errorMessage: `Skipped (active) — a part arrived${when}, after the preview, within the ${ctx.selection.activeWithinMinutes}-minute activity window; it was not touched.`,
    ledgerId: null,
  };
}

function notSent(error: unknown): ItemResult {
  return {
    outcome: "not-attempted",
    attempts: 0,
    bytesReclaimed: 0,
    errorCode: null,
    errorMessage: `Not attempted — the database failed before this abort was sent (${describe(error)}); the upload was not touched.`,
    ledgerId: null,
  };
}

function describe(error: unknown): string {
  const cause = error instanceof LedgerWriteError ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

function itemResult(result: AbortResult, calls: number, ledgerId: number | null): ItemResult {
  return {
    outcome: result.outcome,
    attempts: calls,
    bytesReclaimed: result.outcome === "reclaimed" ? result.bytesBefore : 0,
    errorCode: result.error?.code ?? null,
    errorMessage: result.error?.message ?? null,
    ledgerId,
  };
}

/**
 * One item: re-read if its dry run is old, abort through the ledger, record. Never throws: a
 * database failure comes back as `recorded: false` with what must still be written.
 */
async function processItem(ctx: JobContext, item: RunnableItem): Promise<ItemRun> {
  const { jobId, options, control } = ctx;
  const ref = { bucket: item.bucket, key: item.key, uploadId: item.uploadId };
  try {
    markItemRunning(jobId, item.seq);
  } catch (error) {
    return { recorded: false, unrecorded: { seq: item.seq, result: notSent(error) }, error };
  }
  let calls = 0;
  let result: AbortResult;
  /** The last throttled abortUpload call, when this one is a retry. */
  let previous: AbortResult | undefined;
  for (;;) {
    calls++;
    try {
      const snapshot = await partsBeforeAbort(ctx, item);
      if (snapshot && "activeAt" in snapshot) {
        const skipped = skippedActive(snapshot.activeAt, ctx);
        try {
          finishItem(jobId, item.seq, skipped);
        } catch (error) {
          return { recorded: false, unrecorded: { seq: item.seq, result: skipped }, error };
        }
        return { recorded: true, result: null };
      }
      result = await abortUpload(ctx.profile, ref, { id: ctx.actor.id ?? "", email: ctx.actor.email }, { jobId, initiated: item.initiated, snapshot });
    } catch (error) {
      if (error instanceof LedgerWriteError) {
        if (!error.abortSent) {
          const earlier = previous ? itemResult(previous, calls - 1, null) : notSent(error);
          return { recorded: false, unrecorded: { seq: item.seq, result: earlier }, error };
        }
        const sent = error.attempt;
        return {
          recorded: false,
          unrecorded: { seq: item.seq, result: sent ? itemResult(sent.result, calls, sent.ledgerId) : null, ...(sent ? { ledger: { id: sent.ledgerId, result: sent.result } } : {}) },
          error,
        };
      }
      result = internalFailure(item, error);
    }
    if (isThrottled(result) && calls <= options.maxThrottleRetries && !control.cancelled) {
      previous = result;
      await sleep(throttleBackoffMs(calls - 1, options.throttleBaseMs));
      continue;
    }
    break;
  }
  let recorded: ItemResult | null = null;
  try {
    recorded = itemResult(result, calls, latestLedgerId(jobId, ref));
    finishItem(jobId, item.seq, recorded);
  } catch (error) {
    return { recorded: false, unrecorded: { seq: item.seq, result: recorded ?? itemResult(result, calls, null) }, error };
  }
  return { recorded: true, result };
}

/**
 * After a database failure, with every worker stopped: write what could not be written
 * (ledger outcomes first, then the items), then settle the rest — items never started "not
 * attempted", items whose result still cannot be written "interrupted" (their ledger rows say
 * what happened, or stay "unknown" for re-verification) — and fail the job, saying why.
 * If the database still refuses, the job stays unfinished and is settled the same way as an
 * interrupted one on the next read or start.
 */
function settleAfterDatabaseFailure(jobId: string, unrecorded: readonly Unrecorded[], cause: unknown): void {
  for (const item of unrecorded) {
    try {
      let result = item.result;
      if (item.ledger) {
        const written = recordAbortResult(item.ledger.id, item.ledger.result);
        if (result && written !== result.outcome) result = { ...result, outcome: written as ItemOutcome, bytesReclaimed: 0 };
      }
      if (result) finishItem(jobId, item.seq, result);
    } catch {
      // Still failing: settled as interrupted below.
    }
  }
  const reason = describe(cause);
  const notAttempted = settleItems(
    jobId,
    ["pending"],
    "not-attempted",
    `Not attempted — the job stopped when the database failed (${reason}); the upload was not touched.`,
  );
  const interrupted = settleItems(
    jobId,
    ["running"],
    "interrupted",
    `Interrupted — the database failed while this abort's result was recorded (${reason}); the ledger row keeps its outcome, or "unknown" until it is verified again.`,
  );
  finishJob(jobId, "failed", databaseFailureMessage(reason, notAttempted, interrupted));
}

async function run(ctx: JobContext): Promise<void> {
  const { jobId, profile, actor, options, control } = ctx;
  const streak = new UnreachableStreak(options.unreachableLimit);
  let stop: StopReason = null;
  let databaseError: unknown = null;
  const unrecorded: Unrecorded[] = [];
  try {
    setJobStatus(jobId, "running", { started: true });
    const queue = pendingItems(jobId).values();
    const worker = async () => {
      while (!control.cancelled && stop === null) {
        const next = queue.next();
        if (next.done) return;
        const ran = await processItem(ctx, next.value);
        if (!ran.recorded) {
          // The database failed: stop every worker; the items in flight finish and report.
          unrecorded.push(ran.unrecorded);
          logger().error({ event: "bulk-job", jobId, profile: profile.id, error: describe(ran.error) }, "the database failed recording an item; stopping the job");
          if (stop === null) {
            stop = "error";
            databaseError = ran.error;
          }
          continue;
        }
        if (ran.result && streak.record(ran.result) && stop === null) stop = "unreachable";
      }
    };
    // Every worker has stopped before the job is settled: none can still be sending aborts.
    await Promise.allSettled(Array.from({ length: Math.max(1, options.concurrency) }, worker));

    if (databaseError !== null) return settleAfterDatabaseFailure(jobId, unrecorded, databaseError);
    // A stop that came after the last item was taken leaves nothing behind: finish normally.
    if (control.cancelled) {
      const skipped = settleItems(jobId, ["pending"], "skipped", "Skipped (cancelled) — the job was cancelled before this upload was started; it was not touched.");
      if (skipped > 0) return finishJob(jobId, "cancelled", cancelledMessage(skipped));
    }
    if (stop === "unreachable") {
      const notAttempted = settleItems(
        jobId,
        ["pending"],
        "not-attempted",
        "Not attempted — the endpoint was unreachable, so the job stopped before this upload; it was not touched.",
      );
      if (notAttempted > 0) return finishJob(jobId, "failed", unreachableMessage(options.unreachableLimit, notAttempted, streak.lastError));
    }
    const job = getJob(jobId);
    if (!job) throw new Error(`bulk job ${jobId} vanished while running`);
    const status = finalStatus(job.counts, null);
    finishJob(jobId, status, summaryMessage(status, job.counts));
  } catch (error) {
    logger().error({ event: "bulk-job", jobId, profile: profile.id, error: errorMessage(error) }, "bulk job stopped on an unexpected error");
    try {
      const notAttempted = settleItems(jobId, ["pending"], "not-attempted", "Not attempted — the job stopped on a server error before this upload; it was not touched.");
      finishJob(
        jobId,
        "failed",
        `The job stopped on an unexpected server error (see the server log). ${notAttempted.toLocaleString("en-US")} uploads were not attempted — run the same filter again to finish.`,
      );
    } catch {
      // The database itself failed; the job is settled as interrupted on its next read or start.
    }
  } finally {
    runtime().running.delete(jobId);
    stopHeartbeatWhenIdle();
    logJobEnd(jobId, actor);
  }
}

/** One line when a job ends, with its outcome counts (each abort has its own line too). */
function logJobEnd(jobId: string, actor: JobActor): void {
  try {
    const job = getJob(jobId);
    if (!job) return;
    logger()[job.status === "done" ? "info" : "warn"](
      {
        event: "bulk-job",
        jobId,
        user: actor.email,
        profile: job.profileId,
        status: job.status,
        total: job.total,
        counts: job.counts,
        bytesReclaimed: job.bytesReclaimed,
        message: job.message,
      },
      `bulk job ${job.status}`,
    );
  } catch (error) {
    logger().error({ event: "bulk-job", jobId, error: errorMessage(error) }, "bulk job end could not be logged");
  }
}

function withDefaults(options: RunnerOptions = {}): Required<RunnerOptions> {
  return {
    concurrency: options.concurrency ?? DEFAULT_JOB_CONCURRENCY,
    maxThrottleRetries: options.maxThrottleRetries ?? DEFAULT_THROTTLE_RETRIES,
    throttleBaseMs: options.throttleBaseMs ?? DEFAULT_THROTTLE_BASE_MS,
    unreachableLimit: options.unreachableLimit ?? DEFAULT_UNREACHABLE_LIMIT,
    rereadPartsOlderThanMs: options.rereadPartsOlderThanMs ?? DEFAULT_REREAD_PARTS_OLDER_THAN_MS,
  };
}

export interface StartJobParams {
  profile: Profile;
  actor: JobActor;
  selection: BulkSelection;
  includeActive: boolean;
  /** The uploads, in the order they are aborted (each with its dry-run parts/bytes). */
  items: readonly JobItemInput[];
  options?: RunnerOptions;
}

/**
 * Records the job and its items, then runs it in the background. One job per profile at a
 * time: two jobs over the same uploads would only race each other.
 */
export function startJob(params: StartJobParams): BulkJob {
  const { profile, actor } = params;
  if (params.items.length === 0) throw new KnownError("empty-selection", "Nothing to abort: the selection has no uploads.");
  const rt = runtime();
  // A job whose workers still run here holds the profile, whatever its row says (the database
  // may have failed writing it).
  const stillRunning = [...rt.running.values()].find((c) => c.profileId === profile.id);
  if (stillRunning) {
    throw new KnownError("job-running", `Bulk job ${stillRunning.jobId.slice(0, 8)} is still running on this profile — wait for it to finish or cancel it first.`);
  }
  reconcileOrphans(profile.id);
  const busy = unfinishedJobs(profile.id)[0];
  if (busy) {
    throw new KnownError(
      "job-running",
      `Bulk job ${busy.id.slice(0, 8)} is still ${JOB_STATUSES[busy.status].label.toLowerCase()} on this profile — wait for it to finish or cancel it first.`,
    );
  }
  const id = randomUUID();
  const job = insertJob({
    id,
    actor,
    profileId: profile.id,
    endpointHost: toPublicProfile(profile).endpointHost,
    selection: params.selection,
    includeActive: params.includeActive,
    runnerId: rt.runnerId,
    items: params.items,
  });
  const control: Control = { jobId: id, profileId: profile.id, cancelled: false, done: Promise.resolve() };
  rt.running.set(id, control);
  startHeartbeat();
  control.done = withS3Cause("bulk", () =>
    run({
      jobId: id,
      profile,
      actor,
      selection: params.selection,
      includeActive: params.includeActive,
      options: withDefaults(params.options),
      control,
    }),
  );
  logger().info(
    { event: "bulk-job", jobId: id, user: actor.email, profile: profile.id, total: job.total, bytesSelected: job.bytesSelected, selection: params.selection },
    "bulk job started",
  );
  return job;
}

/** The job as stored now (an orphan of a dead process is settled first). */
export function readJob(id: string): BulkJob | null {
  const job = getJob(id);
  if (job && !isFinished(job.status)) {
    const unfinished = unfinishedJobs(job.profileId).find((j) => j.id === id);
    if (unfinished && isOrphan(unfinished)) {
      interrupt(id);
      return getJob(id);
    }
  }
  return job;
}

export function recentJobs(options: { profileId?: string; limit?: number } = {}): BulkJob[] {
  reconcileOrphans(options.profileId);
  return listJobs(options);
}

/**
 * Stops taking new items: those not started are marked "skipped (cancelled)" and stay
 * untouched; aborts in flight finish and are verified and recorded.
 */
export function cancelJob(id: string): BulkJob {
  // First the workers in this process: the cancel reaches them even if the database fails below.
  const control = runtime().running.get(id);
  if (control) control.cancelled = true;
  const job = readJob(id);
  if (!job) throw new KnownError("not-found", "No bulk job with this id.");
  if (isFinished(job.status) || job.status === "cancelling") return job;
  requestCancel(id);
  logger().info({ event: "bulk-job", jobId: id, profile: job.profileId }, "bulk job cancel requested");
  return getJob(id) ?? job;
}

/** Resolves when the job's run in this process has ended (tests; immediately when not running here). */
export function jobSettled(id: string): Promise<void> {
  return runtime().running.get(id)?.done ?? Promise.resolve();
}
