import "server-only";
import { randomUUID } from "node:crypto";
import { dialectOf, getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { KnownError } from "@/lib/errors";
import { JOB_STATUSES } from "@/lib/outcomes";
import { getProfile, toPublicProfile, type Profile } from "@/lib/profiles";
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
  claimExpiredJob,
  finishItem,
  finishJob,
  getJob,
  insertJob,
  itemsIn,
  jobRunInfo,
  listJobs,
  markItemRunning,
  ProfileBusyError,
  markJobRunning,
  renewLease,
  requestCancel,
  requeueItem,
  settleItems,
  type ItemResult,
  type JobItemInput,
  type RunnableItem,
} from "@/lib/jobs/store";
import { formatDateTime } from "@/lib/format";
import { looksActive, partsReadIsRecent } from "@/lib/jobs/selection";
import type { AbortResult, BulkJob, BulkJobItem, BulkSelection, ItemOutcome, JobStatus, SelectedUpload } from "@/lib/jobs/types";
import { latestJobAttempt, recordAbortResult } from "@/lib/ledger/ledger";
import type { PartsSnapshot } from "@/lib/s3/abort";
import { errorMessage, logger } from "@/lib/log";
import { withS3Cause } from "@/lib/s3/request-events";
import { abortUpload, finishInterruptedAbort, LedgerWriteError, readUploadParts } from "@/lib/uploads/service";

// Bulk jobs run inside a server process, not the browser: closing the tab does not stop
// them, and the page polls the job by id. Every item goes through abortUpload (parts
// snapshot → ledger intent → abort + verify → ledger outcome), a bounded number at once.
//
// Several instances may share the database (PostgreSQL). A job is run by the one instance
// that holds its lease (bulk_job.runner_id until lease_expires_at), renewed while it runs.
// Any instance shows its progress and can cancel it: the holder sees the cancel when it
// starts its next item. If the holder dies, its lease expires and another instance takes
// the job over: items that were in flight are verified (intent written, outcome missing →
// ListParts: gone is "gone (cause unknown)" on that row, as for any abort whose own
// verification was lost; still listed is aborted now on that row; no intent → never sent,
// back in line) and the rest is run as before.
//
// Stopping early never leaves a guess behind: an item not started stays "pending" until the
// job settles it as "skipped" (cancel) or "not attempted" (endpoint unreachable, database
// failure), and such an item has no ledger row, because no abort was sent for it.

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

export type JobActor = { id: string | null; email: string };

interface Control {
  jobId: string;
  profileId: string;
  /** Stop taking items: cancelled here or from another instance. */
  cancelled: boolean;
  /** Another instance holds the job now: stop taking items and leave the job to it. */
  lost: boolean;
  done: Promise<void>;
}

interface Runtime {
  /** This process, as lease holder. */
  runnerId: string;
  running: Map<string, Control>;
  renewal: ReturnType<typeof setInterval> | undefined;
  sweeper: ReturnType<typeof setInterval> | undefined;
}

// On globalThis so a dev-mode module reload keeps the jobs it started.
const globalForJobs = globalThis as unknown as { reclaimBulkRuntime?: Runtime };

function runtime(): Runtime {
  globalForJobs.reclaimBulkRuntime ??= { runnerId: randomUUID(), running: new Map(), renewal: undefined, sweeper: undefined };
  return globalForJobs.reclaimBulkRuntime;
}

function leaseMs(): number {
  return getEnv().RECLAIM_JOB_LEASE_MS;
}

function logError(what: string, error: unknown, fields: Record<string, unknown> = {}): void {
  logger().error({ event: "bulk-job", ...fields, error: errorMessage(error) }, what);
}

/** Renews the lease of every job this process runs, three times per lease. */
async function renewLeases(): Promise<void> {
  const rt = runtime();
  for (const control of rt.running.values()) {
    const lease = await renewLease(control.jobId, rt.runnerId, leaseMs());
    if (!lease.held) control.lost = true;
    else if (lease.status === "cancelling") control.cancelled = true;
  }
}

function startRenewal(): void {
  const rt = runtime();
  if (rt.renewal) return;
  rt.renewal = setInterval(() => {
    renewLeases().catch((error: unknown) => logError("renewing bulk job leases failed", error));
  }, Math.max(250, Math.floor(leaseMs() / 3)));
  rt.renewal.unref();
}

function stopRenewalWhenIdle(): void {
  const rt = runtime();
  if (rt.running.size === 0 && rt.renewal) {
    clearInterval(rt.renewal);
    rt.renewal = undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------- running

function internalFailure(item: BulkJobItem, error: unknown): AbortResult {
  logError("bulk job item failed unexpectedly", error, { bucket: item.bucket, key: item.key, uploadId: item.uploadId });
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

/** Why an item could not start: a cancel (from any instance) or a takeover. */
async function noteWhyNotStarted(jobId: string, control: Control): Promise<void> {
  const info = await jobRunInfo(jobId);
  if (!info || info.status === "cancelling" || isFinished(info.status)) control.cancelled = true;
  else if (info.status === "running") {
    const held = await renewLease(jobId, runtime().runnerId, leaseMs());
    if (!held.held) control.lost = true;
  }
}

/**
 * One item: re-read if its dry run is old, abort through the ledger, record. Never throws: a
 * database failure comes back as `recorded: false` with what must still be written. Null
 * result: the item was not started here (cancelled, or another instance holds the job).
 */
async function processItem(ctx: JobContext, item: RunnableItem): Promise<ItemRun> {
  const { jobId, options, control } = ctx;
  const ref = { bucket: item.bucket, key: item.key, uploadId: item.uploadId };
  try {
    if (!(await markItemRunning(jobId, item.seq, runtime().runnerId))) {
      await noteWhyNotStarted(jobId, control);
      return { recorded: true, result: null };
    }
  } catch (error) {
    return { recorded: false, unrecorded: { seq: item.seq, result: null }, error };
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
          await finishItem(jobId, item.seq, skipped);
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
    if (isThrottled(result) && calls <= options.maxThrottleRetries && !control.cancelled && !control.lost) {
      previous = result;
      await sleep(throttleBackoffMs(calls - 1, options.throttleBaseMs));
      continue;
    }
    break;
  }
  let recorded: ItemResult | null = null;
  try {
    recorded = itemResult(result, calls, (await latestJobAttempt(jobId, ref))?.id ?? null);
    await finishItem(jobId, item.seq, recorded);
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
 * If the database still refuses, the job stays unfinished under this instance's lease; once
 * the lease runs out an instance takes it over (this one too) and settles it.
 */
async function settleAfterDatabaseFailure(jobId: string, unrecorded: readonly Unrecorded[], cause: unknown): Promise<void> {
  for (const item of unrecorded) {
    try {
      let result = item.result;
      if (item.ledger) {
        const written = await recordAbortResult(item.ledger.id, item.ledger.result);
        if (result && written !== result.outcome) result = { ...result, outcome: written as ItemOutcome, bytesReclaimed: 0 };
      }
      if (result) await finishItem(jobId, item.seq, result);
    } catch {
      // Still failing: settled as interrupted below.
    }
  }
  const reason = describe(cause);
  const notAttempted = await settleItems(
    jobId,
    ["pending"],
    "not-attempted",
    `Not attempted — the job stopped when the database failed (${reason}); the upload was not touched.`,
  );
  const interrupted = await settleItems(
    jobId,
    ["running"],
    "interrupted",
    `Interrupted — the database failed while this abort's result was recorded (${reason}); the ledger row keeps its outcome, or "unknown" until it is verified again.`,
  );
  await finishJob(jobId, runtime().runnerId, "failed", databaseFailureMessage(reason, notAttempted, interrupted));
}

/**
 * A job taken over from an instance that died: settles the items it had in flight, each
 * exactly once (see the top of this file).
 */
async function settleInFlight(jobId: string, profile: Profile): Promise<void> {
  for (const item of await itemsIn(jobId, "running")) {
    const ref = { bucket: item.bucket, key: item.key, uploadId: item.uploadId };
    const attempt = await latestJobAttempt(jobId, ref);
    if (!attempt) {
      await requeueItem(jobId, item.seq); // no intent: no abort was sent
      continue;
    }
    if (attempt.outcome !== "unknown") {
      // The outcome was recorded; only the item was not. (A row re-verified meanwhile as
      // gone (cause unknown) counts nothing: for the job, the upload was gone.)
      await finishItem(jobId, item.seq, {
        outcome: attempt.outcome === "gone-unknown" ? "already-gone" : attempt.outcome,
        attempts: 1,
        bytesReclaimed: attempt.outcome === "reclaimed" ? attempt.bytesBefore : 0,
        errorCode: attempt.errorCode,
        errorMessage: attempt.errorMessage,
        ledgerId: attempt.id,
      });
      continue;
    }
    const finished = await finishInterruptedAbort(profile, attempt);
    if ("unverifiable" in finished) {
      await finishItem(jobId, item.seq, {
        outcome: "interrupted",
        attempts: 1,
        bytesReclaimed: 0,
        errorCode: finished.unverifiable.code,
        errorMessage: `Interrupted — the instance running this abort stopped, and the upload could not be checked now (${finished.unverifiable.message}); the ledger keeps it as "unknown" until it is verified again.`,
        ledgerId: attempt.id,
      });
      continue;
    }
    const { result, note } = finished;
    await finishItem(jobId, item.seq, {
      outcome: result.outcome,
      attempts: 1,
      bytesReclaimed: result.outcome === "reclaimed" ? attempt.bytesBefore : 0,
      errorCode: result.error?.code ?? null,
      errorMessage: note ?? result.error?.message ?? null,
      ledgerId: attempt.id,
    });
  }
}

async function run(ctx: JobContext, resumed: boolean): Promise<void> {
  const { jobId, profile, actor, options, control } = ctx;
  const owner = runtime().runnerId;
  const streak = new UnreachableStreak(options.unreachableLimit);
  let stop: StopReason = null;
  let databaseError: unknown = null;
  const unrecorded: Unrecorded[] = [];
  try {
    await markJobRunning(jobId, owner);
    if (resumed) await settleInFlight(jobId, profile);
    const queue = (await itemsIn(jobId, "pending")).values();
    const worker = async () => {
      while (!control.cancelled && !control.lost && stop === null) {
        const next = queue.next();
        if (next.done) return;
        const ran = await processItem(ctx, next.value);
        if (!ran.recorded) {
          // The database failed: stop every worker; the items in flight finish and report.
          unrecorded.push(ran.unrecorded);
          logError("the database failed recording an item; stopping the job", describe(ran.error), { jobId, profile: profile.id });
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
    if (control.lost) return; // the instance that took the job over finishes it

    if (databaseError !== null) return await settleAfterDatabaseFailure(jobId, unrecorded, databaseError);
    // A cancel from another instance may not have been seen by a worker yet.
    if ((await jobRunInfo(jobId))?.status === "cancelling") control.cancelled = true;
    // A stop that came after the last item was taken leaves nothing behind: finish normally.
    if (control.cancelled) {
      const skipped = await settleItems(jobId, ["pending"], "skipped", "Skipped (cancelled) — the job was cancelled before this upload was started; it was not touched.");
      if (skipped > 0) return await finishJob(jobId, owner, "cancelled", cancelledMessage(skipped));
    }
    if (stop === "unreachable") {
      const notAttempted = await settleItems(
        jobId,
        ["pending"],
        "not-attempted",
        "Not attempted — the endpoint was unreachable, so the job stopped before this upload; it was not touched.",
      );
      if (notAttempted > 0) return await finishJob(jobId, owner, "failed", unreachableMessage(options.unreachableLimit, notAttempted, streak.lastError));
    }
    const job = await getJob(jobId);
    if (!job) throw new Error(`bulk job ${jobId} vanished while running`);
    const status = finalStatus(job.counts, null);
    await finishJob(jobId, owner, status, summaryMessage(status, job.counts));
  } catch (error) {
    logError("bulk job stopped on an unexpected error", error, { jobId, profile: profile.id });
    try {
      const notAttempted = await settleItems(jobId, ["pending"], "not-attempted", "Not attempted — the job stopped on a server error before this upload; it was not touched.");
      await finishJob(
        jobId,
        owner,
        "failed",
        `The job stopped on an unexpected server error (see the server log). ${notAttempted.toLocaleString("en-US")} uploads were not attempted — run the same filter again to finish.`,
      );
    } catch {
      // The database itself failed; the lease expires and another instance (or this one,
      // later) takes the job over.
    }
  } finally {
    if (!control.lost) await logJobEnd(jobId, actor);
  }
}

/** One line when a job ends here, with its outcome counts (each abort has its own line too). */
async function logJobEnd(jobId: string, actor: JobActor): Promise<void> {
  try {
    const job = await getJob(jobId);
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
    logError("bulk job end could not be logged", error, { jobId });
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

/**
 * Runs `work` as this process's run of the job, holding (and renewing) its lease until the
 * run ends. Every way out of a run — finished, taken over elsewhere, an error while reading
 * the job to resume it, the job gone — ends here: the job leaves `running`, so its lease is
 * no longer renewed and, if it is unfinished, expires for an instance to take it over. An
 * error is logged; `done` never rejects.
 */
function launch(jobId: string, profileId: string, work: (control: Control) => Promise<void>): Control {
  const rt = runtime();
  const control: Control = { jobId, profileId, cancelled: false, lost: false, done: Promise.resolve() };
  rt.running.set(jobId, control);
  startRenewal();
  // Every S3 request of the job is billed as "bulk" (lib/s3/request-events).
  control.done = withS3Cause("bulk", () => work(control))
    .catch((error: unknown) => logError("bulk job run stopped on an error; its lease runs out and an instance takes the job over", error, { jobId }))
    .finally(() => {
      if (rt.running.get(jobId) === control) rt.running.delete(jobId);
      stopRenewalWhenIdle();
    });
  return control;
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

function jobRunningError(jobId: string, status: JobStatus): KnownError {
  return new KnownError(
    "job-running",
    `Bulk job ${jobId.slice(0, 8)} is still ${JOB_STATUSES[status].label.toLowerCase()} on this profile — wait for it to finish or cancel it first.`,
  );
}

/**
 * Records the job and its items, then runs it in the background. One job per profile at a
 * time: two jobs over the same uploads would only race each other. The database decides
 * (insertJob checks and inserts atomically, across instances).
 */
export async function startJob(params: StartJobParams): Promise<BulkJob> {
  const { profile, actor } = params;
  if (params.items.length === 0) throw new KnownError("empty-selection", "Nothing to abort: the selection has no uploads.");
  // A job whose workers still run here holds the profile, whatever its row says (the database
  // may have failed writing it).
  const stillRunning = [...runtime().running.values()].find((c) => c.profileId === profile.id);
  if (stillRunning) throw jobRunningError(stillRunning.jobId, "running");
  const id = randomUUID();
  let job: BulkJob;
  try {
    job = await insertJob({
      id,
      actor,
      profileId: profile.id,
      endpointHost: toPublicProfile(profile).endpointHost,
      selection: params.selection,
      includeActive: params.includeActive,
      runnerId: runtime().runnerId,
      leaseUntil: new Date(Date.now() + leaseMs()),
      items: params.items,
    });
  } catch (error) {
    if (error instanceof ProfileBusyError) throw jobRunningError(error.busy.id, error.busy.status);
    throw error;
  }
  launch(id, profile.id, (control) =>
    run(
      { jobId: id, profile, actor, selection: params.selection, includeActive: params.includeActive, options: withDefaults(params.options), control },
      false,
    ),
  );
  logger().info(
    { event: "bulk-job", jobId: id, user: actor.email, profile: profile.id, total: job.total, bytesSelected: job.bytesSelected, selection: params.selection },
    "bulk job started",
  );
  return job;
}

// ---------------------------------------------------------------- taking over

/** Where an instance finds a profile by id (its profiles file; tests pass their own). */
type ProfileLookup = (id: string) => Profile;

/** The profile a taken-over job runs with, if it still points at the job's endpoint. */
function profileForJob(profileId: string, endpointHost: string, lookup: ProfileLookup): Profile | string {
  let profile: Profile;
  try {
    profile = lookup(profileId);
  } catch (error) {
    return `endpoint profile "${profileId}" is not configured on this instance (${error instanceof Error ? error.message : String(error)})`;
  }
  const host = toPublicProfile(profile).endpointHost;
  return host === endpointHost ? profile : `profile "${profileId}" points at ${host} here, but the job ran on ${endpointHost}`;
}

/** A job this instance cannot continue: nothing more is sent; what was in flight stays unknown. */
async function giveUp(jobId: string, reason: string): Promise<void> {
  const owner = runtime().runnerId;
  const interrupted = await settleItems(
    jobId,
    ["running"],
    "interrupted",
    `Interrupted — the instance running this abort stopped and this one cannot continue (${reason}); the ledger keeps it as "unknown" until it is verified again.`,
  );
  const notAttempted = await settleItems(
    jobId,
    ["pending"],
    "not-attempted",
    `Not attempted — the job could not be continued (${reason}); this upload was not touched.`,
  );
  await finishJob(jobId, owner, "failed", `${interruptedMessage(notAttempted, interrupted)} It could not be continued: ${reason}.`);
}

/** A job this instance has just taken over (run by launch: whatever happens here, it ends the run). */
async function resume(jobId: string, control: Control, lookup: ProfileLookup): Promise<void> {
  const info = await jobRunInfo(jobId);
  if (!info || isFinished(info.status)) return;
  const profile = profileForJob(info.profileId, info.endpointHost, lookup);
  if (typeof profile === "string") return giveUp(jobId, profile);
  const job = await getJob(jobId);
  if (!job) {
    logError("a bulk job taken over vanished before it could run", `no bulk job ${jobId}`, { jobId });
    return;
  }
  control.profileId = profile.id;
  logger().warn(
    { event: "bulk-job", jobId, profile: profile.id, runner: runtime().runnerId },
    "took over a bulk job (its instance stopped renewing it); verifying the aborts it had in flight",
  );
  await run({ jobId, profile, actor: info.actor, selection: job.selection, includeActive: job.includeActive, options: withDefaults(), control }, true);
}

/**
 * Takes over every unfinished job whose lease has expired and runs it here (in the
 * background; returns the ids taken). `anyLease`: also jobs whose holder has not let the
 * lease expire yet (SQLite at start, see startJobTakeover).
 */
export async function takeOverExpiredJobs(options: { anyLease?: boolean; profiles?: ProfileLookup } = {}): Promise<string[]> {
  const rt = runtime();
  const taken: string[] = [];
  for (;;) {
    const id = await claimExpiredJob(rt.runnerId, leaseMs(), { anyLease: options.anyLease });
    if (id === null) return taken;
    if (rt.running.has(id)) continue;
    taken.push(id);
    launch(id, "", (control) => resume(id, control, options.profiles ?? getProfile));
  }
}

/**
 * Call once at server start (lib/startup.ts): jobs left by a process that is gone are
 * taken over now and then, and every half lease this instance looks again. With SQLite
 * there is one server per file, so its jobs are this server's previous process's and are
 * taken at once; with PostgreSQL another instance may be running them, so only expired
 * leases are taken.
 */
export async function startJobTakeover(): Promise<number> {
  const rt = runtime();
  const db = await getDb();
  const taken = await takeOverExpiredJobs({ anyLease: dialectOf(db) === "sqlite" });
  if (!rt.sweeper) {
    rt.sweeper = setInterval(() => {
      takeOverExpiredJobs().catch((error: unknown) => logError("taking over bulk jobs failed", error));
    }, Math.max(500, Math.floor(leaseMs() / 2)));
    rt.sweeper.unref();
  }
  return taken.length;
}

// ---------------------------------------------------------------- reading, cancelling

/** The job as stored now. */
export function readJob(id: string): Promise<BulkJob | null> {
  return getJob(id);
}

export function recentJobs(options: { profileId?: string; limit?: number } = {}): Promise<BulkJob[]> {
  return listJobs(options);
}

/**
 * Stops taking new items, from any instance: those not started are marked "skipped
 * (cancelled)" and stay untouched; aborts in flight finish and are verified and recorded.
 */
export async function cancelJob(id: string): Promise<BulkJob> {
  // First the workers in this process: the cancel reaches them even if the database fails below.
  const control = runtime().running.get(id);
  if (control) control.cancelled = true;
  const job = await getJob(id);
  if (!job) throw new KnownError("not-found", "No bulk job with this id.");
  if (isFinished(job.status) || job.status === "cancelling") return job;
  await requestCancel(id);
  logger().info({ event: "bulk-job", jobId: id, profile: job.profileId }, "bulk job cancel requested");
  return (await getJob(id)) ?? job;
}

/** Resolves when the job's run in this process has ended (tests; immediately when not running here). */
export function jobSettled(id: string): Promise<void> {
  return runtime().running.get(id)?.done ?? Promise.resolve();
}

/**
 * The job once it has finished, on whichever instance: its run here ends first; if the job
 * is unfinished then (another instance took it over, or a database failure left it for a
 * takeover), its row is read every `pollMs` until it is. Throws when the job is gone.
 */
export async function jobFinished(id: string, pollMs: number): Promise<BulkJob> {
  await jobSettled(id);
  for (;;) {
    const job = await getJob(id);
    if (!job) throw new Error(`bulk job ${id} vanished`);
    if (isFinished(job.status)) return job;
    await sleep(pollMs);
  }
}
