import "server-only";
import { configuredDialect } from "@/lib/db";
import { ConfigError, publicConfigProblem } from "@/lib/env";
import { isJobUnfinished } from "@/lib/jobs/store";
import { formatBytesExact, formatDateTime, plural } from "@/lib/format";
import {
  countUnresolved,
  getEntry,
  noteUnresolved,
  recordGone,
  resolveEntry,
  unresolvedEntries,
} from "@/lib/ledger/ledger";
import type { LedgerEntry } from "@/lib/ledger/types";
import { assertBucketsInProfile, BucketNotInProfileError, getProfile, type Profile, toPublicProfile, UnknownProfileError } from "@/lib/profiles";
import { verifyGone } from "@/lib/s3/abort";
import { withS3Cause } from "@/lib/s3/request-events";
import { mapWithConcurrency } from "@/lib/s3/concurrency";
import { toReclaimError } from "@/lib/s3/errors";
import type { UploadRef } from "@/lib/s3/types";
import { errorMessage, logger } from "@/lib/log";
import type { RecoveryReport, ReverifyResult, ReverifyStatus } from "@/lib/uploads/types";

// Resolving ledger rows after the fact (docs/architecture.md, "The ledger's rule": a crash between intent and
// outcome leaves an "unknown" row that the next verification resolves; nothing is lost).
//
// - unknown, upload gone        → gone-unknown ("gone (cause unknown)"): the interrupted abort
//                                  may have done it, or the uploader completed it, or a
//                                  lifecycle rule aborted it; nothing proves ours, so its
//                                  bytes are not counted as reclaimed.
// - unknown, upload still there → failed: "the abort was interrupted; … abort it again".
// - failed / verify-failed, re-verified gone → gone-unknown, with a note. Only an abort
//   followed by its own verification (lib/s3/abort.ts) proves "reclaimed".
// - gone, but another attempt of the same upload is already 'reclaimed' → already-gone,
//   so the same bytes are never counted twice.
// - profile no longer configured (or now pointing at another endpoint), or the endpoint
//   cannot answer → the row keeps its outcome; an unknown row gets the reason as message.
// The ledger's own functions read and write the rows (lib/ledger/ledger.ts: every update
// is conditional on the outcome read); this module asks the endpoint.

/** How old an "unknown" row must be before the history page's button resolves it: younger
 *  ones may be an abort that is still running (retries, backoff, slow endpoint). */
export const IN_FLIGHT_GRACE_MS = 2 * 60_000;
/** Rows verified at once. */
const RECOVERY_CONCURRENCY = 4;
/** Rows per recovery run; a later run takes the rest. */
const RECOVERY_BATCH = 500;

export const INTERRUPTED_MESSAGE = "The abort was interrupted; the upload is still there — abort it again.";

/** Why an attempt cannot be re-verified now (returned, not thrown: callers handle it). */
class NotVerifiable {
  constructor(
    readonly code: string,
    readonly message: string,
  ) {}
}

/** The profile the attempt was made with, if it still points at the same endpoint. */
function profileFor(entry: LedgerEntry): Profile | NotVerifiable {
  let profile: Profile;
  try {
    profile = getProfile(entry.profileId);
  } catch (error) {
    if (error instanceof UnknownProfileError) {
      return new NotVerifiable(
        "unknown-profile",
        `Cannot re-verify: endpoint profile "${entry.profileId}" is no longer configured. Add it back to the profiles file to resolve this attempt; until then it is not counted as reclaimed.`,
      );
    }
    if (error instanceof ConfigError) {
      // The ledger row is shown to every viewer: the details go to the server log only.
      logger().error({ event: "ledger-recovery", attemptId: entry.id, error: error.message }, "cannot re-verify an attempt: configuration problem");
      return new NotVerifiable("config", `Cannot re-verify: ${publicConfigProblem(error).message}`);
    }
    throw error;
  }
  try {
    assertBucketsInProfile(profile, [entry.bucket]);
  } catch (error) {
    if (error instanceof BucketNotInProfileError) return new NotVerifiable("bucket-not-in-profile", `Cannot re-verify: ${error.message}`);
    throw error;
  }
  const host = toPublicProfile(profile).endpointHost;
  if (host !== entry.endpointHost) {
    return new NotVerifiable(
      "profile-changed",
      `Cannot re-verify: profile "${entry.profileId}" now points at ${host}, but this attempt was made on ${entry.endpointHost}.`,
    );
  }
  return profile;
}

/** The upload's state on the endpoint now, or why it cannot be checked. */
async function checkGone(entry: LedgerEntry): Promise<Awaited<ReturnType<typeof verifyGone>> | NotVerifiable> {
  const profile = profileFor(entry);
  if (profile instanceof NotVerifiable) return profile;
  const ref: UploadRef = { bucket: entry.bucket, key: entry.key, uploadId: entry.uploadId };
  try {
    return await withS3Cause("verify", () => verifyGone(profile, ref));
  } catch (error) {
    const detail = toReclaimError(error, { operation: "verify", bucket: entry.bucket, key: entry.key, endpoint: profile.endpoint });
    return new NotVerifiable(detail.s3Code ?? detail.code, `Cannot re-verify: ${detail.message}`);
  }
}

async function changedMeanwhile(entry: LedgerEntry): Promise<ReverifyResult> {
  const now = await getEntry(entry.id);
  return {
    id: entry.id,
    status: "not-applicable",
    message: `Attempt #${entry.id} was resolved meanwhile: it is now ${now?.outcome ?? "gone from the ledger"}.`,
    entry: now,
  };
}

/** Gone: gone-unknown on this row, or already-gone when another attempt of the upload counts it. */
async function resolveGone(entry: LedgerEntry, note: string, at: Date): Promise<ReverifyResult> {
  const resolved = await recordGone(entry, at, (countedBy) =>
    countedBy === null
      ? note
      : `Re-verified ${formatDateTime(at.toISOString())}: the upload is gone, but attempt #${countedBy} already counts it as reclaimed, so it is not counted again.`,
  );
  if (!resolved) return changedMeanwhile(entry);
  return { id: entry.id, status: resolved.outcome, message: resolved.message, entry: resolved.entry };
}

function describeRemaining(parts: number, bytes: number): string {
  return `${plural(parts, "part")} (${formatBytesExact(bytes)}) still listed`;
}

/**
 * The upload of an interrupted abort is gone: gone (cause unknown) on its row (already-gone
 * when another attempt counts it). For a bulk job taking over an item in flight, too.
 */
export function resolveInterruptedAsGone(entry: LedgerEntry, at = new Date()): Promise<ReverifyResult> {
  return resolveGone(
    entry,
    `Resolved ${formatDateTime(at.toISOString())}: the abort was interrupted before its result was recorded; ListParts shows the upload is gone, but not who ended it (this abort, its uploader completing it, or a lifecycle rule), so it is not counted as reclaimed.`,
    at,
  );
}

/** Resolves one row left "unknown" by an interrupted abort. */
async function resolveUnknown(entry: LedgerEntry, minAgeMs: number): Promise<ReverifyResult> {
  if (entry.jobId !== null && (await isJobUnfinished(entry.jobId))) {
    return {
      id: entry.id,
      status: "in-progress",
      message: `Attempt #${entry.id} belongs to bulk job ${entry.jobId.slice(0, 8)}, which is still running; the job verifies it.`,
      entry,
    };
  }
  const started = Date.parse(entry.startedAt);
  if (minAgeMs > 0 && Number.isFinite(started) && Date.now() - started < minAgeMs) {
    return {
      id: entry.id,
      status: "in-progress",
      message: `Attempt #${entry.id} started ${formatDateTime(entry.startedAt, { seconds: true })}; its abort may still be running. Re-verify it in a couple of minutes.`,
      entry,
    };
  }
  const check = await checkGone(entry);
  if (check instanceof NotVerifiable) {
    // Stays unknown (never a guessed outcome); the message says why.
    const noted = await noteUnresolved(entry.id, check.code, check.message);
    return { id: entry.id, status: "unverifiable", message: check.message, entry: noted ? await getEntry(entry.id) : entry };
  }
  const at = new Date();
  if (check.gone) return resolveInterruptedAsGone(entry, at);
  const message = `${INTERRUPTED_MESSAGE} Re-verified ${formatDateTime(at.toISOString())}: ${describeRemaining(check.partsRemaining, check.bytesRemaining)}.`;
  if (!(await resolveEntry(entry, { outcome: "failed", errorCode: "interrupted", errorMessage: message, finishedAt: at.toISOString() }))) {
    return changedMeanwhile(entry);
  }
  return { id: entry.id, status: "still-there", message, entry: await getEntry(entry.id) };
}

/**
 * Re-verifies a failed / verify-failed attempt. Gone → gone-unknown (with a note); still
 * there → the row is left as it is and the result says what is left.
 */
export async function retryVerification(id: number): Promise<ReverifyResult> {
  const entry = await getEntry(id);
  if (!entry) return { id, status: "not-applicable", message: `There is no attempt #${id} in the ledger.`, entry: null };
  if (entry.outcome !== "failed" && entry.outcome !== "verify-failed") {
    return {
      id,
      status: "not-applicable",
      message: `Attempt #${id} is ${entry.outcome}; only failed and verify-failed attempts are re-verified this way.`,
      entry,
    };
  }
  const check = await checkGone(entry);
  if (check instanceof NotVerifiable) return { id, status: "unverifiable", message: check.message, entry };
  const at = new Date();
  if (check.gone) {
    const earlier = entry.errorMessage ? ` Earlier: ${entry.errorMessage}` : "";
    return resolveGone(
      entry,
      `Re-verified ${formatDateTime(at.toISOString())}: ListParts shows the upload is gone, but not who ended it (a later abort of ours, its uploader completing it, or a lifecycle rule), so it is not counted as reclaimed.${earlier}`,
      at,
    );
  }
  return {
    id,
    status: "still-there",
    message: `Re-verified ${formatDateTime(at.toISOString())}: the upload is still there — ${describeRemaining(check.partsRemaining, check.bytesRemaining)}. Abort it again from the Uploads page.`,
    entry,
  };
}

/**
 * The history page's "Re-verify" for one row: unknown rows are resolved (unless younger
 * than `minAgeMs`, IN_FLIGHT_GRACE_MS by default), failed / verify-failed rows re-verified.
 */
export async function reverifyAttempt(id: number, options: { minAgeMs?: number } = {}): Promise<ReverifyResult> {
  const entry = await getEntry(id);
  if (entry?.outcome === "unknown") return resolveUnknown(entry, options.minAgeMs ?? IN_FLIGHT_GRACE_MS);
  return retryVerification(id);
}

interface RecoveryOptions {
  /** Skips rows whose abort may still be running (0: none can be). */
  minAgeMs?: number;
  limit?: number;
}

let running: Promise<RecoveryReport> | null = null;

/**
 * Resolves every row left "unknown" (oldest first, up to a batch), except those of bulk jobs
 * still running (their runner settles them). Concurrent calls share one run.
 */
export function recoverUnknownAttempts(options: RecoveryOptions = {}): Promise<RecoveryReport> {
  running ??= runRecovery(options).finally(() => {
    running = null;
  });
  return running;
}

async function runRecovery(options: RecoveryOptions): Promise<RecoveryReport> {
  const entries = await unresolvedEntries(options.limit ?? RECOVERY_BATCH);
  const results = await mapWithConcurrency(entries, RECOVERY_CONCURRENCY, (entry) =>
    resolveUnknown(entry, options.minAgeMs ?? 0),
  );
  const count = (status: ReverifyStatus) => results.filter((r) => r.status === status).length;
  return {
    checked: results.length,
    goneUnknown: count("gone-unknown"),
    alreadyGone: count("already-gone"),
    failed: count("still-there"),
    unresolved: count("unverifiable"),
    inProgress: count("in-progress"),
    results,
  };
}

/** Start-up recovery runs at most this many rounds: the first, then follow-ups for rows that were too young. */
const STARTUP_ROUNDS = 4;
/** A follow-up runs this long after the youngest row it waits for is old enough. */
const FOLLOW_UP_MARGIN_MS = 1_000;

let followUp: ReturnType<typeof setTimeout> | undefined;

/**
 * For lib/startup.ts: resolves "unknown" rows left by a previous process, in the
 * background. Returns at once and never throws (a slow or unreachable endpoint must not
 * hold up or stop the server); the outcome goes to the server log. On SQLite (one server
 * per file) nothing else can have an abort in flight, so every row is resolved; on a shared
 * PostgreSQL another instance may, so rows younger than IN_FLIGHT_GRACE_MS (`minAgeMs`) wait,
 * and recovery comes back for them once the youngest is old enough — an instance restarted
 * within the grace period resolves its own interrupted aborts too, without anyone pressing
 * "Re-verify". A few rounds at most (rows another instance keeps writing young are its own to
 * finish), on a timer that does not keep the process alive (stopLedgerRecovery clears it).
 */
export function startLedgerRecovery(options: { minAgeMs?: number } = {}): void {
  stopLedgerRecovery();
  void recoveryRound(options.minAgeMs ?? (configuredDialect() === "sqlite" ? 0 : IN_FLIGHT_GRACE_MS), 1);
}

export function stopLedgerRecovery(): void {
  clearTimeout(followUp);
  followUp = undefined;
}

async function recoveryRound(minAgeMs: number, round: number): Promise<void> {
  try {
    const pending = await countUnresolved();
    if (pending === 0) return;
    logger().info({ event: "ledger-recovery", pending, round }, `re-verifying ${plural(pending, "interrupted abort")} left unknown in the ledger`);
    const checkedAt = Date.now();
    const { results, ...summary } = await recoverUnknownAttempts({ minAgeMs });
    logger().info(
      { event: "ledger-recovery", round, ...summary },
      `ledger recovery checked ${summary.checked}: ${summary.goneUnknown} gone (cause unknown), ${summary.alreadyGone} already gone, ${summary.failed} still there (now failed), ${summary.unresolved} could not be verified (still unknown)`,
    );
    const wait = untilOldEnough(results, minAgeMs, checkedAt);
    if (wait === null || round >= STARTUP_ROUNDS) return;
    logger().info({ event: "ledger-recovery", round, inMs: wait }, "ledger recovery comes back for attempts too recent to resolve now");
    followUp = setTimeout(() => {
      followUp = undefined;
      void recoveryRound(minAgeMs, round + 1);
    }, wait);
    followUp.unref();
  } catch (error) {
    logger().error({ event: "ledger-recovery", error: errorMessage(error) }, "ledger recovery failed");
  }
}

/**
 * How long until every row left alone for its age (younger than `minAgeMs` when the round
 * began) is old enough, plus a margin; null when there is none.
 */
function untilOldEnough(results: readonly ReverifyResult[], minAgeMs: number, checkedAt: number): number | null {
  let latest: number | null = null;
  for (const result of results) {
    const started = result.status === "in-progress" && result.entry ? Date.parse(result.entry.startedAt) : Number.NaN;
    if (!Number.isFinite(started) || checkedAt - started >= minAgeMs) continue;
    latest = Math.max(latest ?? 0, started + minAgeMs);
  }
  if (latest === null) return null;
  // A clock ahead of ours (another instance's) cannot push the follow-up past one grace period.
  return Math.min(Math.max(latest - Date.now(), 0), minAgeMs) + FOLLOW_UP_MARGIN_MS;
}
