import "server-only";
import { ledgerDb } from "@/lib/ledger/db";
import type { BulkPreview } from "@/lib/jobs/types";
import type { CatchingPolicy } from "@/lib/policies/coverage";
import type {
  DeliveryStatus,
  Policy,
  PolicyInput,
  PolicyMode,
  PolicyRun,
  PolicySelection,
  RunStatus,
  RunTrigger,
  WebhookDelivery,
} from "@/lib/policies/types";

// Persistence of policies, their runs and webhook deliveries (migration 4 in
// lib/ledger/migrations.ts). Async like lib/lease.ts, so the same calls can serve a database
// reached over the network.

interface PolicyRow {
  id: string;
  name: string;
  profile_id: string;
  selection_json: string;
  schedule: string;
  time_zone: string;
  mode: PolicyMode;
  max_uploads: number;
  max_bytes: number;
  notify_above: number;
  webhooks_json: string;
  enabled: number;
  handled_until: string;
  created_at: string;
  created_by_id: string | null;
  created_by_email: string;
  updated_at: string;
  updated_by_id: string | null;
  updated_by_email: string;
}

interface RunRow {
  id: string;
  policy_id: string;
  policy_name: string;
  trigger: RunTrigger;
  mode: PolicyMode;
  scheduled_for: string | null;
  started_by: string | null;
  started_at: string;
  finished_at: string | null;
  status: RunStatus;
  message: string | null;
  matched_uploads: number | null;
  matched_bytes: number | null;
  active_excluded: number | null;
  job_id: string | null;
  report_json: string | null;
  /** From the joined bulk_job. */
  n_reclaimed: number | null;
  bytes_reclaimed: number | null;
}

interface DeliveryRow {
  id: number;
  run_id: string;
  policy_id: string;
  webhook_id: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** Runs kept per policy; older ones are pruned (their bulk jobs and ledger rows stay). */
const RUNS_KEPT = 200;

function toPolicy(row: PolicyRow): Policy {
  return {
    id: row.id,
    name: row.name,
    profileId: row.profile_id,
    selection: JSON.parse(row.selection_json) as PolicySelection,
    schedule: row.schedule,
    timeZone: row.time_zone,
    mode: row.mode,
    maxUploads: row.max_uploads,
    maxBytes: row.max_bytes,
    notifyAbove: row.notify_above,
    webhooks: JSON.parse(row.webhooks_json) as string[],
    enabled: row.enabled === 1,
    handledUntil: row.handled_until,
    createdAt: row.created_at,
    createdBy: row.created_by_email,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by_email,
    updatedById: row.updated_by_id,
  };
}

function toRun(row: RunRow): PolicyRun {
  return {
    id: row.id,
    policyId: row.policy_id,
    policyName: row.policy_name,
    trigger: row.trigger,
    mode: row.mode,
    scheduledFor: row.scheduled_for,
    startedBy: row.started_by,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
    message: row.message,
    matchedUploads: row.matched_uploads,
    matchedBytes: row.matched_bytes,
    activeExcluded: row.active_excluded,
    jobId: row.job_id,
    reclaimedUploads: row.job_id ? (row.n_reclaimed ?? 0) : null,
    reclaimedBytes: row.job_id ? (row.bytes_reclaimed ?? 0) : null,
  };
}

function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    runId: row.run_id,
    policyId: row.policy_id,
    webhookId: row.webhook_id,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface Editor {
  id: string | null;
  email: string;
}

/** A policy name is already taken (names are unique: the ledger says which policy aborted). */
export class DuplicatePolicyNameError extends Error {
  override name = "DuplicatePolicyNameError";
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed: policy\.name/.test(error.message);
}

export async function insertPolicy(id: string, input: PolicyInput, editor: Editor, now = new Date()): Promise<Policy> {
  const at = now.toISOString();
  try {
    ledgerDb()
      .prepare(
        `INSERT INTO policy (id, name, profile_id, selection_json, schedule, time_zone, mode, max_uploads, max_bytes,
                             notify_above, webhooks_json, enabled, handled_until, created_at, created_by_id,
                             created_by_email, updated_at, updated_by_id, updated_by_email)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        input.name,
        input.profileId,
        JSON.stringify(input.selection),
        input.schedule,
        input.timeZone,
        input.mode,
        input.maxUploads,
        input.maxBytes,
        input.notifyAbove,
        JSON.stringify(input.webhooks),
        at,
        at,
        editor.id,
        editor.email,
        at,
        editor.id,
        editor.email,
      );
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicatePolicyNameError(input.name);
    throw error;
  }
  const created = await getPolicy(id);
  if (!created) throw new Error(`policy ${id} vanished after insert`);
  return created;
}

/**
 * Replaces what an admin sets. A changed schedule starts counting from now, so an edit never
 * triggers a "missed" run for slots of the old schedule.
 */
export async function updatePolicy(id: string, input: PolicyInput, editor: Editor, now = new Date()): Promise<Policy | null> {
  const at = now.toISOString();
  try {
    ledgerDb()
      .prepare(
        `UPDATE policy
            SET name = ?, profile_id = ?, selection_json = ?, mode = ?, max_uploads = ?, max_bytes = ?, notify_above = ?,
                webhooks_json = ?, updated_at = ?, updated_by_id = ?, updated_by_email = ?,
                handled_until = CASE WHEN schedule = ? AND time_zone = ? THEN handled_until ELSE ? END,
                schedule = ?, time_zone = ?
          WHERE id = ?`,
      )
      .run(
        input.name,
        input.profileId,
        JSON.stringify(input.selection),
        input.mode,
        input.maxUploads,
        input.maxBytes,
        input.notifyAbove,
        JSON.stringify(input.webhooks),
        at,
        editor.id,
        editor.email,
        input.schedule,
        input.timeZone,
        at,
        input.schedule,
        input.timeZone,
        id,
      );
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicatePolicyNameError(input.name);
    throw error;
  }
  return getPolicy(id);
}

/** Pauses or resumes. Resuming counts from now: slots passed while paused are not "missed". */
export async function setPolicyEnabled(id: string, enabled: boolean, editor: Editor, now = new Date()): Promise<Policy | null> {
  const at = now.toISOString();
  ledgerDb()
    .prepare(
      `UPDATE policy
          SET enabled = ?, updated_at = ?, updated_by_id = ?, updated_by_email = ?,
              handled_until = CASE WHEN ? = 1 AND enabled = 0 THEN ? ELSE handled_until END
        WHERE id = ?`,
    )
    .run(enabled ? 1 : 0, at, editor.id, editor.email, enabled ? 1 : 0, at, id);
  return getPolicy(id);
}

/** Deletes the policy and its run list; its bulk jobs and ledger rows stay (they are the record). */
export async function deletePolicyRow(id: string): Promise<boolean> {
  const db = ledgerDb();
  return db.transaction(() => {
    const deleted = db.prepare("DELETE FROM policy WHERE id = ?").run(id).changes > 0;
    db.prepare("DELETE FROM webhook_delivery WHERE policy_id = ?").run(id);
    db.prepare("DELETE FROM policy_run WHERE policy_id = ?").run(id);
    return deleted;
  })();
}

export async function getPolicy(id: string): Promise<Policy | null> {
  const row = ledgerDb().prepare("SELECT * FROM policy WHERE id = ?").get(id) as PolicyRow | undefined;
  return row ? toPolicy(row) : null;
}

export async function listPolicies(options: { enabledOnly?: boolean } = {}): Promise<Policy[]> {
  const rows = ledgerDb()
    .prepare(`SELECT * FROM policy ${options.enabledOnly ? "WHERE enabled = 1" : ""} ORDER BY name COLLATE NOCASE`)
    .all() as PolicyRow[];
  return rows.map(toPolicy);
}

/** Enabled abort policies of a profile: what would catch its uploads (lib/policies/coverage.ts). */
export async function catchingPolicies(profileId: string): Promise<CatchingPolicy[]> {
  const rows = ledgerDb()
    .prepare("SELECT * FROM policy WHERE enabled = 1 AND mode = 'abort' AND profile_id = ? ORDER BY name COLLATE NOCASE")
    .all(profileId) as PolicyRow[];
  return rows.map((row) => {
    const { buckets, key, keyMatch, largerThanBytes } = toPolicy(row).selection;
    return { id: row.id, name: row.name, selection: { buckets, key, keyMatch, largerThanBytes } };
  });
}

/**
 * Marks `slot` handled, once: true for the one caller that moved `handled_until` forward to
 * it (a second scheduler asking for the same slot gets false), and only while enabled.
 */
export async function claimSlot(id: string, slot: Date): Promise<boolean> {
  const iso = slot.toISOString();
  const result = ledgerDb()
    .prepare("UPDATE policy SET handled_until = ? WHERE id = ? AND enabled = 1 AND handled_until < ?")
    .run(iso, id, iso);
  return result.changes > 0;
}

// ---------------------------------------------------------------- runs

const RUN_SELECT = `SELECT r.*, j.n_reclaimed AS n_reclaimed, j.bytes_reclaimed AS bytes_reclaimed
                      FROM policy_run r LEFT JOIN bulk_job j ON j.id = r.job_id`;

export interface NewRun {
  id: string;
  policy: Policy;
  trigger: RunTrigger;
  scheduledFor: Date | null;
  startedBy: string | null;
}

export async function insertRun(run: NewRun, now = new Date()): Promise<PolicyRun> {
  const db = ledgerDb();
  db.transaction(() => {
    db.prepare(
      `INSERT INTO policy_run (id, policy_id, policy_name, trigger, mode, scheduled_for, started_by, started_at, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running')`,
    ).run(
      run.id,
      run.policy.id,
      run.policy.name,
      run.trigger,
      run.policy.mode,
      run.scheduledFor?.toISOString() ?? null,
      run.startedBy,
      now.toISOString(),
    );
    db.prepare(
      `DELETE FROM policy_run WHERE policy_id = ? AND status <> 'running' AND id NOT IN
         (SELECT id FROM policy_run WHERE policy_id = ? ORDER BY started_at DESC LIMIT ?)`,
    ).run(run.policy.id, run.policy.id, RUNS_KEPT);
  })();
  const created = await getRun(run.id);
  if (!created) throw new Error(`policy run ${run.id} vanished after insert`);
  return created;
}

export interface RunFindings {
  matchedUploads: number;
  matchedBytes: number;
  activeExcluded: number;
  report: BulkPreview;
}

/** What the run's dry run found, stored as soon as it is known. */
export async function recordFindings(runId: string, findings: RunFindings): Promise<void> {
  ledgerDb()
    .prepare("UPDATE policy_run SET matched_uploads = ?, matched_bytes = ?, active_excluded = ?, report_json = ? WHERE id = ?")
    .run(findings.matchedUploads, findings.matchedBytes, findings.activeExcluded, JSON.stringify(findings.report), runId);
}

export async function setRunJob(runId: string, jobId: string): Promise<void> {
  ledgerDb().prepare("UPDATE policy_run SET job_id = ? WHERE id = ?").run(jobId, runId);
}

/** Final status and message; a run already final is left as it is. */
export async function finishRun(runId: string, status: RunStatus, message: string | null, now = new Date()): Promise<void> {
  ledgerDb()
    .prepare("UPDATE policy_run SET status = ?, message = ?, finished_at = ? WHERE id = ? AND status = 'running'")
    .run(status, message, now.toISOString(), runId);
}

export async function getRun(id: string): Promise<PolicyRun | null> {
  const row = ledgerDb().prepare(`${RUN_SELECT} WHERE r.id = ?`).get(id) as RunRow | undefined;
  return row ? toRun(row) : null;
}

export async function getRunReport(id: string): Promise<{ run: PolicyRun; found: BulkPreview | null } | null> {
  const row = ledgerDb().prepare(`${RUN_SELECT} WHERE r.id = ?`).get(id) as RunRow | undefined;
  if (!row) return null;
  return { run: toRun(row), found: row.report_json ? (JSON.parse(row.report_json) as BulkPreview) : null };
}

export async function listRuns(policyId: string, limit = 20): Promise<PolicyRun[]> {
  const rows = ledgerDb()
    .prepare(`${RUN_SELECT} WHERE r.policy_id = ? ORDER BY r.started_at DESC, r.rowid DESC LIMIT ?`)
    .all(policyId, Math.min(Math.max(limit, 1), RUNS_KEPT)) as RunRow[];
  return rows.map(toRun);
}

/** The newest run of each policy. */
export async function latestRuns(): Promise<Map<string, PolicyRun>> {
  const rows = ledgerDb()
    .prepare(
      `${RUN_SELECT} WHERE r.rowid IN (SELECT max(rowid) FROM policy_run GROUP BY policy_id)`,
    )
    .all() as RunRow[];
  return new Map(rows.map((row) => [row.policy_id, toRun(row)]));
}

/** Runs still marked running (their owner may be gone: see the scheduler's reconcile). */
export async function runningRuns(): Promise<PolicyRun[]> {
  const rows = ledgerDb().prepare(`${RUN_SELECT} WHERE r.status = 'running'`).all() as RunRow[];
  return rows.map(toRun);
}

// ---------------------------------------------------------------- webhook deliveries

export async function insertDelivery(
  delivery: { runId: string; policyId: string; webhookId: string; event: string },
  now = new Date(),
): Promise<number> {
  const at = now.toISOString();
  const result = ledgerDb()
    .prepare(
      `INSERT INTO webhook_delivery (run_id, policy_id, webhook_id, event, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'sending', ?, ?)`,
    )
    .run(delivery.runId, delivery.policyId, delivery.webhookId, delivery.event, at, at);
  return Number(result.lastInsertRowid);
}

export async function recordDeliveryAttempt(
  id: number,
  attempt: { status: DeliveryStatus; httpStatus: number | null; error: string | null },
  now = new Date(),
): Promise<void> {
  ledgerDb()
    .prepare("UPDATE webhook_delivery SET status = ?, attempts = attempts + 1, last_status = ?, last_error = ?, updated_at = ? WHERE id = ?")
    .run(attempt.status, attempt.httpStatus, attempt.error, now.toISOString(), id);
}

/** Deliveries left sending or retrying by a process that stopped: they will not be sent. */
export async function abandonDeliveries(runIds: readonly string[], reason: string, now = new Date()): Promise<void> {
  if (runIds.length === 0) return;
  ledgerDb()
    .prepare(
      `UPDATE webhook_delivery SET status = 'failed', last_error = ?, updated_at = ?
        WHERE status IN ('sending', 'retrying') AND run_id IN (${runIds.map(() => "?").join(", ")})`,
    )
    .run(reason, now.toISOString(), ...runIds);
}

export async function listDeliveries(options: { runId?: string; policyId?: string; limit?: number }): Promise<WebhookDelivery[]> {
  const where = options.runId ? "run_id = ?" : "policy_id = ?";
  const rows = ledgerDb()
    .prepare(`SELECT * FROM webhook_delivery WHERE ${where} ORDER BY id DESC LIMIT ?`)
    .all(options.runId ?? options.policyId ?? "", Math.min(Math.max(options.limit ?? 50, 1), 500)) as DeliveryRow[];
  return rows.map(toDelivery);
}

/** Deliveries that failed for good, per policy, among each policy's last `window` deliveries. */
export async function failedDeliveryCounts(window = 20): Promise<Map<string, number>> {
  const rows = ledgerDb()
    .prepare(
      `SELECT policy_id, count(*) AS n FROM (
         SELECT policy_id, status, row_number() OVER (PARTITION BY policy_id ORDER BY id DESC) AS k FROM webhook_delivery
       ) WHERE k <= ? AND status = 'failed' GROUP BY policy_id`,
    )
    .all(window) as { policy_id: string; n: number }[];
  return new Map(rows.map((r) => [r.policy_id, r.n]));
}
