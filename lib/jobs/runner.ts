import "server-only";
import { randomUUID } from "node:crypto";
import { fail, ok, type ActionResult } from "@/lib/action-result";
import { toPublicProfile, type Profile } from "@/lib/profiles";
import {
  cancelledMessage,
  finalStatus,
  interruptedMessage,
  isFinished,
  isThrottled,
  STATUS_LABEL,
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
  type JobItemInput,
  type RunnableItem,
  type UnfinishedJob,
} from "@/lib/jobs/store";
import type { AbortResult, BulkJob, BulkJobItem, BulkSelection } from "@/lib/jobs/types";
import type { PartsSnapshot } from "@/lib/s3/abort";
import { abortUpload } from "@/lib/uploads/service";

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
}

export const DEFAULT_JOB_CONCURRENCY = 8;
const DEFAULT_THROTTLE_RETRIES = 3;
const DEFAULT_THROTTLE_BASE_MS = 500;
const DEFAULT_UNREACHABLE_LIMIT = 10;
/** How often a running process stamps its jobs. */
const HEARTBEAT_MS = 5_000;
/** A job whose process has not stamped it for this long is treated as interrupted. */
const ORPHAN_AFTER_MS = 60_000;

export type JobActor = { id: string | null; email: string };

interface Control {
  jobId: string;
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
    touchJobs([...rt.running.keys()]).catch((error: unknown) => {
      console.error("Reclaim: bulk job heartbeat failed:", error instanceof Error ? error.message : error);
    });
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
async function interrupt(jobId: string): Promise<void> {
  const interrupted = await settleItems(
    jobId,
    ["running"],
    "interrupted",
    "Interrupted — the server stopped while this abort was in flight; the ledger keeps it as \"unknown\" until it is verified again.",
  );
  const notAttempted = await settleItems(
    jobId,
    ["pending"],
    "not-attempted",
    "Not attempted — the server stopped before this upload was started; it was not touched.",
  );
  await finishJob(jobId, "failed", interruptedMessage(notAttempted, interrupted));
}

function isOrphan(job: UnfinishedJob, now = Date.now()): boolean {
  const rt = runtime();
  if (rt.running.has(job.id)) return false;
  if (job.runnerId === rt.runnerId) return true; // ours, yet not running: its run ended abnormally
  return now - Date.parse(job.heartbeatAt) > ORPHAN_AFTER_MS;
}

/** Settles jobs left unfinished by a process that is gone (no heartbeat for a minute). */
async function reconcileOrphans(profileId?: string): Promise<void> {
  for (const job of await unfinishedJobs(profileId)) {
    if (isOrphan(job)) await interrupt(job.id);
  }
}

/**
 * Call once at server start, before any job starts (lib/startup.ts): every job still
 * queued/running/cancelling was run by a previous process, so it is marked failed
 * ("interrupted"); items not started become "not attempted" (untouched on S3), items in
 * flight become "interrupted" (their ledger rows stay "unknown" for re-verification).
 * Assumes one server process per database file. Returns how many jobs were marked.
 */
export async function recoverInterruptedBulkJobs(): Promise<number> {
  const rt = runtime();
  let count = 0;
  for (const job of await unfinishedJobs()) {
    if (rt.running.has(job.id)) continue;
    await interrupt(job.id);
    count++;
  }
  if (count > 0) console.log(`Reclaim: marked ${count} bulk job(s) interrupted by the last restart.`);
  return count;
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

async function processItem(
  jobId: string,
  profile: Profile,
  actor: JobActor,
  item: RunnableItem,
  options: Required<RunnerOptions>,
  control: Control,
): Promise<AbortResult> {
  await markItemRunning(jobId, item.seq);
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
    if (isThrottled(result) && calls <= options.maxThrottleRetries && !control.cancelled) {
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
    ledgerId: await latestLedgerId(jobId, ref),
  });
  return result;
}

async function run(jobId: string, profile: Profile, actor: JobActor, options: Required<RunnerOptions>, control: Control): Promise<void> {
  const streak = new UnreachableStreak(options.unreachableLimit);
  let stop: StopReason = null;
  try {
    await setJobStatus(jobId, "running", { started: true });
    const queue = (await pendingItems(jobId)).values();
    const worker = async () => {
      while (!control.cancelled && stop === null) {
        const next = queue.next();
        if (next.done) return;
        const result = await processItem(jobId, profile, actor, next.value, options, control);
        if (streak.record(result) && stop === null) stop = "unreachable";
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));

    // A stop that came after the last item was taken leaves nothing behind: finish normally.
    if (control.cancelled) {
      const skipped = await settleItems(jobId, ["pending"], "skipped", "Skipped (cancelled) — the job was cancelled before this upload was started; it was not touched.");
      if (skipped > 0) return await finishJob(jobId, "cancelled", cancelledMessage(skipped));
    }
    if (stop === "unreachable") {
      const notAttempted = await settleItems(
        jobId,
        ["pending"],
        "not-attempted",
        "Not attempted — the endpoint was unreachable, so the job stopped before this upload; it was not touched.",
      );
      if (notAttempted > 0) return await finishJob(jobId, "failed", unreachableMessage(options.unreachableLimit, notAttempted, streak.lastError));
    }
    const job = await getJob(jobId);
    if (!job) throw new Error(`bulk job ${jobId} vanished while running`);
    const status = finalStatus(job.counts, null);
    await finishJob(jobId, status, summaryMessage(status, job.counts));
  } catch (error) {
    console.error(`Reclaim: bulk job ${jobId} stopped on an unexpected error:`, error instanceof Error ? error.message : error);
    try {
      const notAttempted = await settleItems(jobId, ["pending"], "not-attempted", "Not attempted — the job stopped on a server error before this upload; it was not touched.");
      await finishJob(
        jobId,
        "failed",
        `The job stopped on an unexpected server error (see the server log). ${notAttempted.toLocaleString("en-US")} uploads were not attempted — run the same filter again to finish.`,
      );
    } catch {
      // The database itself failed; the next start marks the job interrupted.
    }
  } finally {
    runtime().running.delete(jobId);
    stopHeartbeatWhenIdle();
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
export async function startJob(params: StartJobParams): Promise<ActionResult<BulkJob>> {
  const { profile, actor } = params;
  if (params.items.length === 0) return fail("empty-selection", "Nothing to abort: the selection has no uploads.");
  await reconcileOrphans(profile.id);
  const busy = (await unfinishedJobs(profile.id))[0];
  if (busy) {
    return fail(
      "job-running",
      `Bulk job ${busy.id.slice(0, 8)} is still ${STATUS_LABEL[busy.status].toLowerCase()} on this profile — wait for it to finish or cancel it first.`,
    );
  }
  const rt = runtime();
  const id = randomUUID();
  const job = await insertJob({
    id,
    actor,
    profileId: profile.id,
    endpointHost: toPublicProfile(profile).endpointHost,
    selection: params.selection,
    includeActive: params.includeActive,
    runnerId: rt.runnerId,
    items: params.items,
  });
  const control: Control = { jobId: id, cancelled: false, done: Promise.resolve() };
  rt.running.set(id, control);
  startHeartbeat();
  control.done = run(id, profile, actor, withDefaults(params.options), control);
  return ok(job);
}

/** The job as stored now (an orphan of a dead process is settled first). */
export async function readJob(id: string): Promise<BulkJob | null> {
  const job = await getJob(id);
  if (job && !isFinished(job.status)) {
    const unfinished = (await unfinishedJobs(job.profileId)).find((j) => j.id === id);
    if (unfinished && isOrphan(unfinished)) {
      await interrupt(id);
      return getJob(id);
    }
  }
  return job;
}

export async function recentJobs(options: { profileId?: string; limit?: number } = {}): Promise<BulkJob[]> {
  await reconcileOrphans(options.profileId);
  return listJobs(options);
}

/**
 * Stops taking new items: those not started are marked "skipped (cancelled)" and stay
 * untouched; aborts in flight finish and are verified and recorded.
 */
export async function cancelJob(id: string): Promise<ActionResult<BulkJob>> {
  const job = await readJob(id);
  if (!job) return fail("not-found", "No bulk job with this id.");
  if (isFinished(job.status) || job.status === "cancelling") return ok(job);
  const control = runtime().running.get(id);
  if (control) control.cancelled = true;
  await requestCancel(id);
  return ok((await getJob(id)) ?? job);
}

/** Resolves when the job's run in this process has ended (tests; immediately when not running here). */
export function jobSettled(id: string): Promise<void> {
  return runtime().running.get(id)?.done ?? Promise.resolve();
}
