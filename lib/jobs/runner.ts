import "server-only";
import { randomUUID } from "node:crypto";
import { dialectOf, getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { KnownError } from "@/lib/errors";
import { JOB_STATUSES } from "@/lib/outcomes";
import { getProfile, toPublicProfile, type Profile } from "@/lib/profiles";
import {
  cancelledMessage,
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
  markJobRunning,
  renewLease,
  requestCancel,
  requeueItem,
  settleItems,
  unfinishedJobs,
  type JobItemInput,
  type RunnableItem,
} from "@/lib/jobs/store";
import type { AbortResult, BulkJob, BulkJobItem, BulkSelection } from "@/lib/jobs/types";
import { latestJobAttempt } from "@/lib/ledger/ledger";
import type { PartsSnapshot } from "@/lib/s3/abort";
import { withS3Cause } from "@/lib/s3/request-events";
import { abortUpload, finishInterruptedAbort } from "@/lib/uploads/service";

// Bulk jobs run inside a server process, not the browser: closing the tab does not stop
// them, and the page polls the job by id. Every item goes through abortUpload (parts
// snapshot → ledger intent → abort + verify → ledger outcome), a bounded number at once.
//
// Several instances may share the database (PostgreSQL). A job is run by the one instance
// that holds its lease (bulk_job.runner_id until lease_expires_at), renewed while it runs.
// Any instance shows its progress and can cancel it: the holder sees the cancel when it
// starts its next item. If the holder dies, its lease expires and another instance takes
// the job over: items that were in flight are verified (intent written, outcome missing →
// ListParts: gone is counted once on that row, still listed is aborted now on that row;
// no intent → never sent, back in line) and the rest is run as before.
//
// Stopping early never leaves a guess behind: an item not started stays "pending" until the
// job settles it as "skipped" (cancel) or "not attempted" (endpoint unreachable), and such
// an item has no ledger row, because no abort was sent for it.

export interface RunnerOptions {
  /** Items in flight at once (default 8). */
  concurrency?: number;
  /** Extra abortUpload calls for an item that failed with "throttled" (default 3). */
  maxThrottleRetries?: number;
  /** First throttle back-off, doubled each retry (default 500 ms). */
  throttleBaseMs?: number;
  /** Stop after this many "endpoint unreachable" failures in a row (default 10). */
  unreachableLimit?: number;
}

export const DEFAULT_JOB_CONCURRENCY = 8;
const DEFAULT_THROTTLE_RETRIES = 3;
const DEFAULT_THROTTLE_BASE_MS = 500;
const DEFAULT_UNREACHABLE_LIMIT = 10;

export type JobActor = { id: string | null; email: string };

interface Control {
  jobId: string;
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

function logError(what: string, error: unknown): void {
  console.error(`Reclaim: ${what}:`, error instanceof Error ? error.message : error);
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
  console.error(`Reclaim: bulk job item ${item.bucket}/${item.key} failed unexpectedly:`, error instanceof Error ? error.message : error);
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
    error: { code: "unknown", message: "Unexpected server error while aborting this upload — see the server log, then run the filter again." },
    startedAt: now,
    finishedAt: now,
    durationMs: 0,
  };
}

/** The dry run's parts and bytes, when they may stand as the ledger's "before" (see RunnableItem). */
function dryRunSnapshot(item: RunnableItem): PartsSnapshot | undefined {
  if (item.rereadParts || item.partsBefore === null || item.bytesBefore === null) return undefined;
  return { parts: item.partsBefore, bytes: item.bytesBefore };
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

async function processItem(
  jobId: string,
  profile: Profile,
  actor: JobActor,
  item: RunnableItem,
  options: Required<RunnerOptions>,
  control: Control,
): Promise<AbortResult | null> {
  if (!(await markItemRunning(jobId, item.seq, runtime().runnerId))) {
    await noteWhyNotStarted(jobId, control);
    return null;
  }
  const ref = { bucket: item.bucket, key: item.key, uploadId: item.uploadId };
  let calls = 0;
  let result: AbortResult;
  for (;;) {
    calls++;
    try {
      result = await abortUpload(
        profile,
        ref,
        { id: actor.id ?? "", email: actor.email },
        { jobId, initiated: item.initiated, snapshot: dryRunSnapshot(item) },
      );
    } catch (error) {
      result = internalFailure(item, error);
    }
    if (isThrottled(result) && calls <= options.maxThrottleRetries && !control.cancelled && !control.lost) {
      await sleep(throttleBackoffMs(calls - 1, options.throttleBaseMs));
      continue;
    }
    break;
  }
  await finishItem(jobId, item.seq, {
    outcome: result.outcome,
    attempts: calls,
    bytesReclaimed: result.outcome === "reclaimed" ? result.bytesBefore : 0,
    errorCode: result.error?.code ?? null,
    errorMessage: result.error?.message ?? null,
    ledgerId: (await latestJobAttempt(jobId, ref))?.id ?? null,
  });
  return result;
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
      // The outcome was recorded; only the item was not.
      await finishItem(jobId, item.seq, {
        outcome: attempt.outcome,
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
    const { result } = finished;
    await finishItem(jobId, item.seq, {
      outcome: result.outcome,
      attempts: 1,
      bytesReclaimed: result.outcome === "reclaimed" ? attempt.bytesBefore : 0,
      errorCode: result.error?.code ?? null,
      errorMessage: result.error?.message ?? null,
      ledgerId: attempt.id,
    });
  }
}

async function run(
  jobId: string,
  profile: Profile,
  actor: JobActor,
  options: Required<RunnerOptions>,
  control: Control,
  resumed: boolean,
): Promise<void> {
  const owner = runtime().runnerId;
  const streak = new UnreachableStreak(options.unreachableLimit);
  let stop: StopReason = null;
  try {
    await markJobRunning(jobId, owner);
    if (resumed) await settleInFlight(jobId, profile);
    const queue = (await itemsIn(jobId, "pending")).values();
    const worker = async () => {
      while (!control.cancelled && !control.lost && stop === null) {
        const next = queue.next();
        if (next.done) return;
        const result = await processItem(jobId, profile, actor, next.value, options, control);
        if (result && streak.record(result) && stop === null) stop = "unreachable";
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
    if (control.lost) return; // the instance that took the job over finishes it

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
    logError(`bulk job ${jobId} stopped on an unexpected error`, error);
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
    runtime().running.delete(jobId);
    stopRenewalWhenIdle();
  }
}

function withDefaults(options: RunnerOptions = {}): Required<RunnerOptions> {
  return {
    concurrency: options.concurrency ?? DEFAULT_JOB_CONCURRENCY,
    maxThrottleRetries: options.maxThrottleRetries ?? DEFAULT_THROTTLE_RETRIES,
    throttleBaseMs: options.throttleBaseMs ?? DEFAULT_THROTTLE_BASE_MS,
    unreachableLimit: options.unreachableLimit ?? DEFAULT_UNREACHABLE_LIMIT,
  };
}

function launch(jobId: string, work: (control: Control) => Promise<void>): Control {
  const rt = runtime();
  const control: Control = { jobId, cancelled: false, lost: false, done: Promise.resolve() };
  rt.running.set(jobId, control);
  startRenewal();
  // Every S3 request of the job is billed as "bulk" (lib/s3/request-events).
  control.done = withS3Cause("bulk", () => work(control));
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

/**
 * Records the job and its items, then runs it in the background. One job per profile at a
 * time: two jobs over the same uploads would only race each other.
 */
export async function startJob(params: StartJobParams): Promise<BulkJob> {
  const { profile, actor } = params;
  if (params.items.length === 0) throw new KnownError("empty-selection", "Nothing to abort: the selection has no uploads.");
  const busy = (await unfinishedJobs(profile.id))[0];
  if (busy) {
    throw new KnownError(
      "job-running",
      `Bulk job ${busy.id.slice(0, 8)} is still ${JOB_STATUSES[busy.status].label.toLowerCase()} on this profile — wait for it to finish or cancel it first.`,
    );
  }
  const id = randomUUID();
  const job = await insertJob({
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
  launch(id, (control) => run(id, profile, actor, withDefaults(params.options), control, false));
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

async function resume(jobId: string, control: Control, lookup: ProfileLookup): Promise<void> {
  const info = await jobRunInfo(jobId);
  if (!info || isFinished(info.status)) {
    runtime().running.delete(jobId);
    stopRenewalWhenIdle();
    return;
  }
  const profile = profileForJob(info.profileId, info.endpointHost, lookup);
  if (typeof profile === "string") {
    try {
      await giveUp(jobId, profile);
    } finally {
      runtime().running.delete(jobId);
      stopRenewalWhenIdle();
    }
    return;
  }
  console.log(`Reclaim: took over bulk job ${jobId.slice(0, 8)} (its instance stopped renewing it); verifying the aborts it had in flight.`);
  await run(jobId, profile, info.actor, withDefaults(), control, true);
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
    launch(id, (control) => resume(id, control, options.profiles ?? getProfile));
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
  const job = await getJob(id);
  if (!job) throw new KnownError("not-found", "No bulk job with this id.");
  if (isFinished(job.status) || job.status === "cancelling") return job;
  const control = runtime().running.get(id);
  if (control) control.cancelled = true;
  await requestCancel(id);
  return (await getJob(id)) ?? job;
}

/** Resolves when the job's run in this process has ended (tests; immediately when not running here). */
export function jobSettled(id: string): Promise<void> {
  return runtime().running.get(id)?.done ?? Promise.resolve();
}
