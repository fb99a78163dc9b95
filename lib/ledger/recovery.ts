import "server-only";
import { sql } from "kysely";
import { dialectOf, type Db, getDb } from "@/lib/db";
import { unfinishedJobIds } from "@/lib/jobs/store";
import { type LedgerEntry, type LedgerOutcome, toEntry } from "@/lib/ledger/ledger";
import { ConfigError } from "@/lib/env";
import { formatBytesExact, formatDateTime, plural } from "@/lib/format";
import { getProfile, type Profile, toPublicProfile, UnknownProfileError } from "@/lib/profiles";
import { verifyGone as s3VerifyGone } from "@/lib/s3/abort";
import { mapWithConcurrency } from "@/lib/s3/concurrency";
import { toReclaimError } from "@/lib/s3/errors";
import type { UploadRef } from "@/lib/s3/types";

// Resolving ledger rows after the fact (DESIGN.md "Ledger": a crash between intent and
// outcome leaves an "unknown" row that the next verification resolves; nothing is lost).
//
// - unknown, upload gone        → reclaimed: the interrupted abort took; its snapshot bytes
//                                  count once, on this row (no new row is written).
// - unknown, upload still there → failed: "the abort was interrupted; … abort it again".
// - failed / verify-failed, re-verified gone → reclaimed, with a note.
// - gone, but another attempt of the same upload is already 'reclaimed' → already-gone,
//   so the same bytes are never counted twice.
// - profile no longer configured (or now pointing at another endpoint), or the endpoint
//   cannot answer → the row keeps its outcome; an unknown row gets the reason as message.
// Every update is conditional on the outcome we read, so two concurrent resolutions (the
// startup run and a button) cannot overwrite each other.

/** How old an "unknown" row must be before the history page's button resolves it: younger
 *  ones may be an abort that is still running (retries, backoff, slow endpoint). */
export const IN_FLIGHT_GRACE_MS = 2 * 60_000;
/** Rows verified at once. */
const RECOVERY_CONCURRENCY = 4;
/** Rows per recovery run; a later run takes the rest. */
const RECOVERY_BATCH = 500;

export const INTERRUPTED_MESSAGE = "The abort was interrupted; the upload is still there — abort it again.";

export type VerifyGone = (
  profile: Profile,
  ref: UploadRef,
) => Promise<{ gone: boolean; partsRemaining: number; bytesRemaining: number }>;

export interface RecoveryDeps {
  db?: Db;
  now?: () => Date;
  verifyGone?: VerifyGone;
  getProfile?: (id: string) => Profile;
}

export type ReverifyStatus =
  /** Gone: this row now counts as reclaimed. */
  | "reclaimed"
  /** Gone, but another attempt of the same upload already counts it. */
  | "already-gone"
  /** Still listed on the endpoint. */
  | "still-there"
  /** Could not check: profile missing or changed, endpoint error. */
  | "unverifiable"
  /** An unknown row too recent to judge: its abort may still be running. */
  | "in-progress"
  /** Nothing to re-verify: the row's outcome is final (reclaimed, already-gone, denied). */
  | "not-applicable";

export interface ReverifyResult {
  id: number;
  status: ReverifyStatus;
  /** One sentence for the admin. */
  message: string;
  /** The row after the re-verification (null when it does not exist). */
  entry: LedgerEntry | null;
}

export interface RecoveryReport {
  checked: number;
  reclaimed: number;
  alreadyGone: number;
  /** Rows resolved to failed: the upload is still there. */
  failed: number;
  /** Rows that stay unknown (profile missing, endpoint error). */
  unresolved: number;
  /** Unknown rows skipped as too recent. */
  inProgress: number;
  results: ReverifyResult[];
}

/** Why an attempt cannot be re-verified now (returned, not thrown: callers handle it). */
class NotVerifiable {
  constructor(
    readonly code: string,
    readonly message: string,
  ) {}
}

function dbOf(deps: RecoveryDeps): Promise<Db> {
  return deps.db ? Promise.resolve(deps.db) : getDb();
}

function nowOf(deps: RecoveryDeps): Date {
  return deps.now ? deps.now() : new Date();
}

async function readEntry(db: Db, id: number): Promise<LedgerEntry | null> {
  const row = await db.selectFrom("abort_attempt").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toEntry(row) : null;
}

/** The profile the attempt was made with, if it still points at the same endpoint. */
function profileFor(entry: LedgerEntry, deps: RecoveryDeps): Profile | NotVerifiable {
  let profile: Profile;
  try {
    profile = (deps.getProfile ?? getProfile)(entry.profileId);
  } catch (error) {
    if (error instanceof UnknownProfileError) {
      return new NotVerifiable(
        "unknown-profile",
        `Cannot re-verify: endpoint profile "${entry.profileId}" is no longer configured. Add it back to the profiles file to resolve this attempt; until then it is not counted as reclaimed.`,
      );
    }
    if (error instanceof ConfigError) return new NotVerifiable("config", `Cannot re-verify: ${error.message}`);
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
async function checkGone(
  entry: LedgerEntry,
  deps: RecoveryDeps,
): Promise<Awaited<ReturnType<VerifyGone>> | NotVerifiable> {
  const profile = profileFor(entry, deps);
  if (profile instanceof NotVerifiable) return profile;
  const ref: UploadRef = { bucket: entry.bucket, key: entry.key, uploadId: entry.uploadId };
  try {
    return await (deps.verifyGone ?? s3VerifyGone)(profile, ref);
  } catch (error) {
    const detail = toReclaimError(error, { operation: "verify", bucket: entry.bucket, key: entry.key, endpoint: profile.endpoint });
    return new NotVerifiable(detail.s3Code ?? detail.code, `Cannot re-verify: ${detail.message}`);
  }
}

/** Another attempt of the same upload that already counts its bytes. */
async function reclaimedElsewhere(db: Db, entry: LedgerEntry): Promise<number | null> {
  const row = await db
    .selectFrom("abort_attempt")
    .select("id")
    .where("profile_id", "=", entry.profileId)
    .where("bucket", "=", entry.bucket)
    .where("key", "=", entry.key)
    .where("upload_id", "=", entry.uploadId)
    .where("outcome", "=", "reclaimed")
    .where("id", "<>", entry.id)
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

/**
 * Serialises resolutions of one upload's attempts until the transaction ends, so two of
 * them never both find "not counted yet". PostgreSQL (several instances): a transaction
 * advisory lock keyed by the upload. SQLite: its one writer already serialises them.
 */
async function lockUpload(trx: Db, entry: LedgerEntry): Promise<void> {
  if (dialectOf(trx) !== "postgres") return;
  const key = JSON.stringify([entry.profileId, entry.bucket, entry.key, entry.uploadId]);
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}

/**
 * Sets a new outcome if the row still has the outcome we read. Returns false when someone
 * else resolved it in between (the caller then reports the row as it is now).
 */
async function updateIfUnchanged(
  db: Db,
  entry: LedgerEntry,
  update: { outcome: LedgerOutcome; errorCode: string | null; errorMessage: string | null; finishedAt: string },
): Promise<boolean> {
  const result = await db
    .updateTable("abort_attempt")
    .set({
      outcome: update.outcome,
      error_code: update.errorCode,
      error_message: update.errorMessage,
      finished_at: update.finishedAt,
    })
    .where("id", "=", entry.id)
    .where("outcome", "=", entry.outcome)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

async function changedMeanwhile(db: Db, entry: LedgerEntry): Promise<ReverifyResult> {
  const now = await readEntry(db, entry.id);
  return {
    id: entry.id,
    status: "not-applicable",
    message: `Attempt #${entry.id} was resolved meanwhile: it is now ${now?.outcome ?? "gone from the ledger"}.`,
    entry: now,
  };
}

/** Gone: count it on this row, unless another attempt of the same upload already does. */
function resolveGone(db: Db, entry: LedgerEntry, note: string, at: Date): Promise<ReverifyResult> {
  return db.transaction().execute(async (trx): Promise<ReverifyResult> => {
    await lockUpload(trx, entry);
    const other = await reclaimedElsewhere(trx, entry);
    const status: ReverifyStatus = other === null ? "reclaimed" : "already-gone";
    const message =
      other === null
        ? note
        : `Re-verified ${formatDateTime(at.toISOString())}: the upload is gone, but attempt #${other} already counts it as reclaimed, so it is not counted again.`;
    if (!(await updateIfUnchanged(trx, entry, { outcome: status, errorCode: null, errorMessage: message, finishedAt: at.toISOString() }))) {
      return changedMeanwhile(trx, entry);
    }
    return { id: entry.id, status, message, entry: await readEntry(trx, entry.id) };
  });
}

function describeRemaining(parts: number, bytes: number): string {
  return `${plural(parts, "part")} (${formatBytesExact(bytes)}) still listed`;
}

/** Whether the row is an item of a bulk job that is still running (its runner settles it). */
async function ofUnfinishedJob(db: Db, entry: LedgerEntry): Promise<boolean> {
  if (entry.jobId === null) return false;
  const row = await unfinishedJobIds(db).where("id", "=", entry.jobId).executeTakeFirst();
  return row !== undefined;
}

/**
 * Verifies an interrupted abort's upload is gone and counts it on this row (or as already
 * gone when another attempt counts it); for a bulk job taking over an item in flight.
 */
export async function resolveInterruptedAsGone(entry: LedgerEntry, deps: RecoveryDeps = {}): Promise<ReverifyResult> {
  const at = nowOf(deps);
  return resolveGone(
    await dbOf(deps),
    entry,
    `Resolved ${formatDateTime(at.toISOString())}: the abort was interrupted before its result was recorded; ListParts shows the upload is gone, so its parts were reclaimed.`,
    at,
  );
}

/** Resolves one row left "unknown" by an interrupted abort. */
async function resolveUnknown(entry: LedgerEntry, deps: RecoveryDeps, minAgeMs: number): Promise<ReverifyResult> {
  const db = await dbOf(deps);
  if (await ofUnfinishedJob(db, entry)) {
    return {
      id: entry.id,
      status: "in-progress",
      message: `Attempt #${entry.id} belongs to bulk job ${entry.jobId?.slice(0, 8)}, which is still running; the job verifies it.`,
      entry,
    };
  }
  const started = Date.parse(entry.startedAt);
  if (minAgeMs > 0 && Number.isFinite(started) && nowOf(deps).getTime() - started < minAgeMs) {
    return {
      id: entry.id,
      status: "in-progress",
      message: `Attempt #${entry.id} started ${formatDateTime(entry.startedAt, { seconds: true })}; its abort may still be running. Re-verify it in a couple of minutes.`,
      entry,
    };
  }
  const check = await checkGone(entry, deps);
  if (check instanceof NotVerifiable) {
    // Stays unknown (never a guessed outcome); the message says why.
    const updated = await db
      .updateTable("abort_attempt")
      .set({ error_code: check.code, error_message: check.message })
      .where("id", "=", entry.id)
      .where("outcome", "=", "unknown")
      .executeTakeFirst();
    return {
      id: entry.id,
      status: "unverifiable",
      message: check.message,
      entry: Number(updated.numUpdatedRows) > 0 ? await readEntry(db, entry.id) : entry,
    };
  }
  const at = nowOf(deps);
  if (check.gone) return resolveInterruptedAsGone(entry, { ...deps, db, now: () => at });
  const message = `${INTERRUPTED_MESSAGE} Re-verified ${formatDateTime(at.toISOString())}: ${describeRemaining(check.partsRemaining, check.bytesRemaining)}.`;
  if (!(await updateIfUnchanged(db, entry, { outcome: "failed", errorCode: "interrupted", errorMessage: message, finishedAt: at.toISOString() }))) {
    return changedMeanwhile(db, entry);
  }
  return { id: entry.id, status: "still-there", message, entry: await readEntry(db, entry.id) };
}

/**
 * Re-verifies a failed / verify-failed attempt. Gone → reclaimed (with a note); still
 * there → the row is left as it is and the result says what is left.
 */
export async function retryVerification(id: number, deps: RecoveryDeps = {}): Promise<ReverifyResult> {
  const db = await dbOf(deps);
  const entry = await readEntry(db, id);
  if (!entry) return { id, status: "not-applicable", message: `There is no attempt #${id} in the ledger.`, entry: null };
  if (entry.outcome !== "failed" && entry.outcome !== "verify-failed") {
    return {
      id,
      status: "not-applicable",
      message: `Attempt #${id} is ${entry.outcome}; only failed and verify-failed attempts are re-verified this way.`,
      entry,
    };
  }
  const check = await checkGone(entry, deps);
  if (check instanceof NotVerifiable) return { id, status: "unverifiable", message: check.message, entry };
  const at = nowOf(deps);
  if (check.gone) {
    const earlier = entry.errorMessage ? ` Earlier: ${entry.errorMessage}` : "";
    return resolveGone(db, entry, `Re-verified ${formatDateTime(at.toISOString())}: ListParts shows the upload is gone, so its parts were reclaimed.${earlier}`, at);
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
 * than IN_FLIGHT_GRACE_MS), failed / verify-failed rows re-verified.
 */
export async function reverifyAttempt(
  id: number,
  deps: RecoveryDeps & { minAgeMs?: number } = {},
): Promise<ReverifyResult> {
  const db = await dbOf(deps);
  const entry = await readEntry(db, id);
  if (entry?.outcome === "unknown") return resolveUnknown(entry, deps, deps.minAgeMs ?? IN_FLIGHT_GRACE_MS);
  return retryVerification(id, deps);
}

let running: Promise<RecoveryReport> | null = null;

/**
 * Resolves every row left "unknown" (oldest first, up to a batch), except those of bulk
 * jobs still running (their runner, or the instance that takes them over, settles them).
 * `minAgeMs` skips rows whose abort may still be running. Concurrent calls share one run.
 */
export function recoverUnknownAttempts(deps: RecoveryDeps & { minAgeMs?: number; limit?: number } = {}): Promise<RecoveryReport> {
  running ??= runRecovery(deps).finally(() => {
    running = null;
  });
  return running;
}

async function runRecovery(deps: RecoveryDeps & { minAgeMs?: number; limit?: number }): Promise<RecoveryReport> {
  const db = await dbOf(deps);
  const rows = await db
    .selectFrom("abort_attempt")
    .selectAll()
    .where("outcome", "=", "unknown")
    .where((eb) => eb.or([eb("job_id", "is", null), eb("job_id", "not in", unfinishedJobIds(db))]))
    .orderBy("id")
    .limit(deps.limit ?? RECOVERY_BATCH)
    .execute();
  const results = await mapWithConcurrency(rows.map(toEntry), RECOVERY_CONCURRENCY, (entry) =>
    resolveUnknown(entry, deps, deps.minAgeMs ?? 0),
  );
  const count = (status: ReverifyStatus) => results.filter((r) => r.status === status).length;
  return {
    checked: results.length,
    reclaimed: count("reclaimed"),
    alreadyGone: count("already-gone"),
    failed: count("still-there"),
    unresolved: count("unverifiable"),
    inProgress: count("in-progress"),
    results,
  };
}

/**
 * For lib/startup.ts: resolves "unknown" rows left by a previous process, in the
 * background. Returns at once and never throws (a slow or unreachable endpoint must not
 * hold up or stop the server); the outcome goes to the server log. On SQLite (one server
 * per file) nothing else can have an abort in flight, so every row is resolved; on a
 * shared PostgreSQL another instance may, so rows younger than IN_FLIGHT_GRACE_MS wait.
 */
export function startLedgerRecovery(): void {
  void (async () => {
    try {
      const db = await getDb();
      const counted = await db
        .selectFrom("abort_attempt")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("outcome", "=", "unknown")
        .where((eb) => eb.or([eb("job_id", "is", null), eb("job_id", "not in", unfinishedJobIds(db))]))
        .executeTakeFirstOrThrow();
      const pending = Number(counted.n);
      if (pending === 0) return;
      console.log(`Reclaim: re-verifying ${plural(pending, "interrupted abort")} left unknown in the ledger…`);
      const report = await recoverUnknownAttempts({ minAgeMs: dialectOf(db) === "sqlite" ? 0 : IN_FLIGHT_GRACE_MS });
      console.log(
        `Reclaim: ledger recovery checked ${report.checked}: ${report.reclaimed} reclaimed, ${report.alreadyGone} already gone, ${report.failed} still there (now failed), ${report.unresolved} could not be verified (still unknown).`,
      );
    } catch (error) {
      console.error("Reclaim: ledger recovery failed:", error instanceof Error ? error.message : error);
    }
  })();
}
