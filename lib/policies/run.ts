import "server-only";
import { randomUUID } from "node:crypto";
import { fail, ok, type ActionResult } from "@/lib/action-result";
import { getEnv } from "@/lib/env";
import { formatBytes, formatDateTime, plural } from "@/lib/format";
import { formatSizeParam } from "@/lib/units";
import { buildPreview, resolveSelection } from "@/lib/jobs/preview";
import { KnownError } from "@/lib/errors";
import { cancelJob, jobFinished, startJob, type RunnerOptions } from "@/lib/jobs/runner";
import type { BulkJob, BulkSelection } from "@/lib/jobs/types";
import { acquireLease, isLive, readLease, releaseLease, renewLease, type Lease } from "@/lib/lease";
import { payloadFor, runSummary } from "@/lib/policies/notification";
import {
  abandonDeliveries,
  claimSlot,
  finishRun,
  getPolicy,
  getRun,
  insertDelivery,
  insertRun,
  recordDeliveryAttempt,
  recordFindings,
  runningRuns,
  setRunJob,
} from "@/lib/policies/store";
import type { Policy, PolicyRun, RunStatus, RunTrigger } from "@/lib/policies/types";
import { DEFAULT_DELIVERY, deliver, loadWebhooks, type DeliveryOptions } from "@/lib/policies/webhooks";
import { errorMessage, logger } from "@/lib/log";
import { getProfile, UnknownProfileError } from "@/lib/profiles";
import { toReclaimError } from "@/lib/s3/errors";
import { withS3Cause } from "@/lib/s3/request-events";

// One run of a policy: a fresh dry run of its selection, then — for an abort policy under its
// caps — a bulk job over the uploads that do not look active (lib/jobs/runner: the same
// per-item ledger and verification as a job an admin starts), then a webhook summary.
//
// A run holds the policy's lease (lib/lease.ts) from start to the last webhook delivery, and
// renews it while it works: only one run of a policy at a time, even across instances.
// Guards, besides the cap: the runner reads each upload's parts again right before its abort
// and leaves one that got a part within the activity window untouched ("skipped-active"); a
// policy paused or deleted meanwhile stops its job at the next item.

export interface PolicyRunOptions {
  runner?: RunnerOptions;
  delivery?: DeliveryOptions;
  /** How long a lease lasts without renewal (default 60 s); renewed every third of it. */
  leaseTtlMs?: number;
}

export const DEFAULT_LEASE_TTL_MS = 60_000;

/** How often a run reads its bulk job while another instance finishes it. */
const JOB_POLL_MS = 1_000;

interface ActiveRun {
  runId: string;
  policyId: string;
  owner: string;
  jobId: string | null;
  /** Set when the policy was paused or deleted, or the lease was lost: why the run stops. */
  stopReason: string | null;
  done: Promise<void>;
}

interface Runtime {
  /** This process, in lease owners: "<instance>/<run id>". */
  instanceId: string;
  runs: Map<string, ActiveRun>;
}

const globalForRuns = globalThis as unknown as { reclaimPolicyRuns?: Runtime };

function runtime(): Runtime {
  globalForRuns.reclaimPolicyRuns ??= { instanceId: randomUUID(), runs: new Map() };
  return globalForRuns.reclaimPolicyRuns;
}

export function leaseName(policyId: string): string {
  return `policy:${policyId}`;
}

/** Whether this run (on whichever instance) still holds its policy's lease. */
export function runHoldsLease(lease: Lease | null, runId: string, now = new Date()): boolean {
  return isLive(lease, now) && lease.owner.endsWith(`/${runId}`);
}

/** The ledger's "who" for everything a policy aborts. */
export function policyActor(policy: Pick<Policy, "name" | "updatedBy">): string {
  return `policy "${policy.name}" (set by ${policy.updatedBy})`;
}

// ---------------------------------------------------------------- starting

/**
 * Starts a run in the background when the policy's lease can be taken. A scheduled run also
 * claims its slot, so each slot runs once whichever scheduler gets there first.
 */
export async function startRun(
  policyId: string,
  trigger: RunTrigger,
  params: { slot?: Date; startedBy?: string; options?: PolicyRunOptions } = {},
): Promise<ActionResult<PolicyRun>> {
  const rt = runtime();
  const runId = randomUUID();
  const owner = `${rt.instanceId}/${runId}`;
  const ttl = params.options?.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  const lease = leaseName(policyId);
  if (!(await acquireLease(lease, owner, ttl))) {
    const holder = await readLease(lease);
    const since = holder ? ` (since ${formatDateTime(holder.acquiredAt, { seconds: true })})` : "";
    return fail("run-in-progress", `A run of this policy is still going${since}; wait for it to finish.`);
  }
  try {
    const policy = await getPolicy(policyId);
    if (!policy) {
      await releaseLease(lease, owner);
      return fail("not-found", "No policy with this id — it may have been deleted.");
    }
    if (params.slot && !(await claimSlot(policyId, params.slot))) {
      await releaseLease(lease, owner);
      return fail("slot-taken", "This slot was already run (or the policy was paused).");
    }
    // Known here before its row exists: whoever sees the row running can wait for it.
    let settle: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (settle = resolve));
    const active: ActiveRun = { runId, policyId, owner, jobId: null, stopReason: null, done };
    rt.runs.set(policyId, active);
    let run: PolicyRun;
    try {
      run = await insertRun({ id: runId, policy, trigger, scheduledFor: params.slot ?? null, startedBy: params.startedBy ?? null });
    } catch (error) {
      rt.runs.delete(policyId);
      settle();
      throw error;
    }
    // Its listing and its bulk job's requests are billed to "policy" (the outermost cause wins).
    void withS3Cause("policy", () => execute(policy, run, active, ttl, params.options ?? {}))
      .catch((error: unknown) => logger().error({ event: "policy-run", policyId, runId, error: errorMessage(error) }, "policy run failed"))
      .finally(settle);
    logger().info(
      { event: "policy-run", policyId, policy: policy.name, runId, trigger, mode: policy.mode, startedBy: params.startedBy ?? null },
      `policy run started`,
    );
    return ok(run);
  } catch (error) {
    await releaseLease(lease, owner).catch(() => undefined);
    throw error;
  }
}

/** The policy was paused or deleted: its run here (if any) stops at the next item. */
export function requestStop(policyId: string, reason: string): void {
  const active = runtime().runs.get(policyId);
  if (!active || active.stopReason) return;
  active.stopReason = reason;
  // cancelJob marks this process's workers at once; its database write may fail (logged).
  if (active.jobId) {
    const jobId = active.jobId;
    cancelJob(jobId).catch((error: unknown) =>
      logger().error({ event: "policy-run", policyId, runId: active.runId, jobId, error: errorMessage(error) }, "cancelling the policy's job failed"),
    );
  }
}

/** Resolves when the run in this process has ended, webhooks included (tests; at once when not here). */
export function runSettled(runId: string): Promise<void> {
  for (const active of runtime().runs.values()) if (active.runId === runId) return active.done;
  return Promise.resolve();
}

/** Policies with a run going in this process. */
export function runningHere(): string[] {
  return [...runtime().runs.keys()];
}

// ---------------------------------------------------------------- the run

function cappedMessage(policy: Policy, uploads: number, bytes: number): string {
  const over = [
    uploads > policy.maxUploads ? `${plural(uploads, "upload")}, above the cap of ${policy.maxUploads.toLocaleString("en-US")}` : null,
    bytes > policy.maxBytes ? `${formatBytes(bytes)}, above the cap of ${formatSizeParam(policy.maxBytes)}` : null,
  ].filter(Boolean);
  return `Stopped before aborting anything: the selection holds ${over.join(", and ")}. Nothing was aborted — raise the cap or narrow the selection, then run it again.`;
}

function foundMessage(policy: Policy, matched: number, bytes: number, active: number): string {
  const activeNote = active > 0 ? ` ${plural(active, "more upload looks", "more uploads look")} active and ${active === 1 ? "is" : "are"} left alone.` : "";
  return policy.mode === "report"
    ? `Found ${plural(matched, "upload")} (${formatBytes(bytes)}) to abort.${activeNote} Nothing was aborted: this policy only reports.`
    : `Nothing to abort: no upload matches.${activeNote}`;
}

function bucketErrorNote(errors: readonly { bucket?: string; message: string }[]): string {
  if (errors.length === 0) return "";
  return ` ${plural(errors.length, "bucket")} could not be listed, so ${errors.length === 1 ? "its" : "their"} uploads were not considered: ${errors.map((e) => e.message).join(" ")}`;
}

function jobRunStatus(job: BulkJob, stopped: boolean): RunStatus {
  if (job.status === "cancelled" || stopped) return "stopped";
  if (job.status === "done") return "done";
  if (job.status === "finished-with-failures") return "finished-with-failures";
  return "failed";
}

async function execute(policy: Policy, run: PolicyRun, active: ActiveRun, ttl: number, options: PolicyRunOptions): Promise<void> {
  const lease = leaseName(policy.id);
  const renew = setInterval(() => {
    void (async () => {
      if (!(await renewLease(lease, active.owner, ttl))) requestStop(policy.id, "this server lost the policy's lease (another instance may run it)");
      const current = await getPolicy(policy.id);
      if (!current) requestStop(policy.id, "the policy was deleted");
      else if (!current.enabled) requestStop(policy.id, `the policy was paused by ${current.updatedBy}`);
    })().catch((error: unknown) =>
      logger().error({ event: "policy-run", policyId: policy.id, runId: run.id, error: errorMessage(error) }, "policy lease renewal failed"),
    );
  }, Math.max(50, Math.floor(ttl / 3)));
  renew.unref();

  let job: BulkJob | null = null;
  try {
    job = await work(policy, run, active, options);
  } catch (error) {
    const message =
      error instanceof UnknownProfileError
        ? `${error.message} Edit the policy to use a configured profile.`
        : toReclaimError(error, { operation: "list-uploads" }).message;
    await finishRun(run.id, "failed", `The run failed: ${message}`).catch(() => undefined);
  }
  await logRunEnd(run.id);
  try {
    await notify(policy, run.id, job, options.delivery ?? DEFAULT_DELIVERY);
  } catch (error) {
    logger().error({ event: "policy-run", policyId: policy.id, runId: run.id, error: errorMessage(error) }, `policy "${policy.name}" notifications failed`);
  } finally {
    clearInterval(renew);
    runtime().runs.delete(policy.id);
    await releaseLease(lease, active.owner).catch(() => undefined);
  }
}

/** One line when a run ends, with what it found and did (its bulk job logs each abort). */
async function logRunEnd(runId: string): Promise<void> {
  try {
    const run = await getRun(runId);
    if (!run) return;
    const { policyId, policyName, trigger, mode, status, matchedUploads, matchedBytes, activeExcluded, jobId, reclaimedUploads, reclaimedBytes, message } = run;
    logger()[status === "failed" || status === "interrupted" ? "warn" : "info"](
      { event: "policy-run", policyId, policy: policyName, runId, trigger, mode, status, matchedUploads, matchedBytes, activeExcluded, jobId, reclaimedUploads, reclaimedBytes, message },
      `policy run ${status}`,
    );
  } catch (error) {
    logger().error({ event: "policy-run", runId, error: errorMessage(error) }, "policy run end could not be logged");
  }
}

/** The dry run, the cap, the job. Returns the job when one ran. */
async function work(policy: Policy, run: PolicyRun, active: ActiveRun, options: PolicyRunOptions): Promise<BulkJob | null> {
  const profile = getProfile(policy.profileId);
  const selection: BulkSelection = { ...policy.selection, profileId: policy.profileId };
  const resolved = await resolveSelection(profile, selection);
  const found = buildPreview(run.id, selection, resolved);
  const { count, bytes } = found.eligible.totals;
  await recordFindings(run.id, { matchedUploads: count, matchedBytes: bytes, activeExcluded: resolved.active.length, report: found });
  const listingNote = bucketErrorNote(resolved.bucketErrors);
  const listingFailed = resolved.bucketErrors.length > 0;

  if (active.stopReason) {
    await finishRun(run.id, "stopped", `Stopped before aborting anything: ${active.stopReason}.`);
    return null;
  }
  if (policy.mode === "report" || count === 0) {
    const status: RunStatus = policy.mode === "report" ? "reported" : listingFailed ? "finished-with-failures" : "done";
    await finishRun(run.id, status, foundMessage(policy, count, bytes, resolved.active.length) + listingNote);
    return null;
  }
  if (count > policy.maxUploads || bytes > policy.maxBytes) {
    await finishRun(run.id, "capped", cappedMessage(policy, count, bytes) + listingNote);
    return null;
  }

  let started: BulkJob;
  try {
    started = await startJob({
      profile,
      actor: { id: policy.updatedById, email: policyActor(policy) },
      selection,
      includeActive: false,
      items: resolved.eligible.map((upload) => ({ ...upload, lookedActive: false })),
      // Every upload's parts are read again right before its abort, however fresh the dry run.
      options: { ...options.runner, rereadPartsOlderThanMs: 0 },
    });
  } catch (error) {
    if (!(error instanceof KnownError)) throw error;
    await finishRun(run.id, "failed", `The job could not start: ${error.message}`);
    return null;
  }
  active.jobId = started.id;
  await setRunJob(run.id, started.id);
  // Stopped while the job was being created: stop it before its first item.
  if (active.stopReason) await cancelJob(started.id);
  // The run reports how its job ended. If this instance loses the job (its lease ran out and
  // another instance took it over), the job goes on there: the run waits for it, reading it
  // from the database and still holding (renewing) the policy's lease, so no second run of
  // the policy starts meanwhile and the webhook tells what really happened.
  const job = await jobFinished(started.id, JOB_POLL_MS);
  const stopped = active.stopReason !== null;
  const status = jobRunStatus(job, stopped);
  const message =
    status === "stopped"
      ? `Stopped: ${active.stopReason ?? "the job was cancelled"}. ${job.message ?? ""}`.trim()
      : job.message ?? `Reclaimed ${plural(job.counts.reclaimed, "upload")} (${formatBytes(job.bytesReclaimed)}).`;
  await finishRun(run.id, listingFailed && status === "done" ? "finished-with-failures" : status, message + listingNote);
  return job;
}

/** Abort runs and failures always notify; report runs when they find more than the threshold. */
function shouldNotify(policy: Policy, run: PolicyRun): boolean {
  if (run.mode === "abort" || run.status === "failed" || run.status === "interrupted") return true;
  return (run.matchedUploads ?? 0) > policy.notifyAbove;
}

async function notify(policy: Policy, runId: string, job: BulkJob | null, delivery: DeliveryOptions): Promise<void> {
  const run = await getRun(runId);
  if (!run || policy.webhooks.length === 0 || !shouldNotify(policy, run)) return;
  const summary = runSummary(policy, run, job, getEnv().BETTER_AUTH_URL ?? null);
  const webhooks = loadWebhooks();
  const meta = { runId, policyId: policy.id, event: summary.event };
  await Promise.all(
    policy.webhooks.map(async (id) => {
      const webhook = webhooks.get(id);
      if (webhook) return deliver(webhook, payloadFor(webhook.format, summary), meta, delivery);
      // Removed from the configuration since the policy was saved: say so on the policy page.
      const deliveryId = await insertDelivery({ ...meta, webhookId: id });
      await recordDeliveryAttempt(deliveryId, { status: "failed", httpStatus: null, error: "This webhook is no longer configured on the server." });
    }),
  );
}

// ---------------------------------------------------------------- after a crash

/**
 * Runs marked running whose lease is gone or held by someone else were cut off by a process
 * that stopped: marked interrupted (their bulk job says what it did), their webhooks unsent.
 */
export async function reconcileRuns(now = new Date()): Promise<number> {
  const rt = runtime();
  const here = new Set([...rt.runs.values()].map((r) => r.runId));
  const cutOff: string[] = [];
  for (const run of await runningRuns()) {
    if (here.has(run.id)) continue;
    if (runHoldsLease(await readLease(leaseName(run.policyId)), run.id, now)) continue; // another instance runs it
    await finishRun(run.id, "interrupted", "Interrupted: the server stopped while this run was going. Its bulk job (if any) says which uploads were aborted; the next run picks up the rest.");
    cutOff.push(run.id);
  }
  await abandonDeliveries(cutOff, "Not sent: the server stopped before this delivery finished.");
  return cutOff.length;
}
