import "server-only";
import { type Selectable, sql } from "kysely";
import { type Db, getDb } from "@/lib/db";
import type { PolicyRunTable, PolicyTable, WebhookDeliveryTable } from "@/lib/db/schema";
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

// Persistence of policies, their runs and webhook deliveries (migration 0009-policies in
// lib/ledger/migrations.ts), on SQLite or PostgreSQL through Kysely.

type PolicyRow = Selectable<PolicyTable>;
/** A run with its bulk job's reclaimed counts (null without a job). */
type RunRow = Selectable<PolicyRunTable> & { n_reclaimed: number | null; bytes_reclaimed: number | null };
type DeliveryRow = Selectable<WebhookDeliveryTable>;

/** Runs kept per policy; older ones are pruned (their bulk jobs and ledger rows stay). */
export const RUNS_KEPT = 200;

function toPolicy(row: PolicyRow): Policy {
  return {
    id: row.id,
    name: row.name,
    profileId: row.profile_id,
    selection: JSON.parse(row.selection_json) as PolicySelection,
    schedule: row.schedule,
    timeZone: row.time_zone,
    mode: row.mode as PolicyMode,
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
    trigger: row.trigger as RunTrigger,
    mode: row.mode as PolicyMode,
    scheduledFor: row.scheduled_for,
    startedBy: row.started_by,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status as RunStatus,
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
    status: row.status as DeliveryStatus,
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

/** Whether `error` is the database refusing a second policy with the same name. */
function isDuplicateName(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // SQLite names the column; PostgreSQL answers SQLSTATE 23505 and names the constraint.
  return /UNIQUE constraint failed: policy\.name/.test(error.message) || ((error as { code?: string }).code === "23505" && /policy_name/.test(error.message));
}

/** Case-insensitive order by name, the same on both databases. */
const byName = sql`lower(name)`;

export async function insertPolicy(id: string, input: PolicyInput, editor: Editor, now = new Date()): Promise<Policy> {
  const at = now.toISOString();
  const db = await getDb();
  try {
    await db
      .insertInto("policy")
      .values({
        id,
        name: input.name,
        profile_id: input.profileId,
        selection_json: JSON.stringify(input.selection),
        schedule: input.schedule,
        time_zone: input.timeZone,
        mode: input.mode,
        max_uploads: input.maxUploads,
        max_bytes: input.maxBytes,
        notify_above: input.notifyAbove,
        webhooks_json: JSON.stringify(input.webhooks),
        enabled: 1,
        handled_until: at,
        created_at: at,
        created_by_id: editor.id,
        created_by_email: editor.email,
        updated_at: at,
        updated_by_id: editor.id,
        updated_by_email: editor.email,
      })
      .execute();
  } catch (error) {
    if (isDuplicateName(error)) throw new DuplicatePolicyNameError(input.name);
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
  const db = await getDb();
  try {
    await db
      .updateTable("policy")
      .set((eb) => ({
        name: input.name,
        profile_id: input.profileId,
        selection_json: JSON.stringify(input.selection),
        mode: input.mode,
        max_uploads: input.maxUploads,
        max_bytes: input.maxBytes,
        notify_above: input.notifyAbove,
        webhooks_json: JSON.stringify(input.webhooks),
        updated_at: at,
        updated_by_id: editor.id,
        updated_by_email: editor.email,
        handled_until: eb
          .case()
          .when(eb.and([eb("schedule", "=", input.schedule), eb("time_zone", "=", input.timeZone)]))
          .then(eb.ref("handled_until"))
          .else(at)
          .end(),
        schedule: input.schedule,
        time_zone: input.timeZone,
      }))
      .where("id", "=", id)
      .execute();
  } catch (error) {
    if (isDuplicateName(error)) throw new DuplicatePolicyNameError(input.name);
    throw error;
  }
  return getPolicy(id);
}

/** Pauses or resumes. Resuming counts from now: slots passed while paused are not "missed". */
export async function setPolicyEnabled(id: string, enabled: boolean, editor: Editor, now = new Date()): Promise<Policy | null> {
  const at = now.toISOString();
  const db = await getDb();
  await db
    .updateTable("policy")
    .set((eb) => ({
      enabled: enabled ? 1 : 0,
      updated_at: at,
      updated_by_id: editor.id,
      updated_by_email: editor.email,
      handled_until: enabled ? eb.case().when("enabled", "=", 0).then(at).else(eb.ref("handled_until")).end() : eb.ref("handled_until"),
    }))
    .where("id", "=", id)
    .execute();
  return getPolicy(id);
}

/** Deletes the policy and its run list; its bulk jobs and ledger rows stay (they are the record). */
export async function deletePolicyRow(id: string): Promise<boolean> {
  const db = await getDb();
  return db.transaction().execute(async (trx) => {
    const deleted = await trx.deleteFrom("policy").where("id", "=", id).executeTakeFirst();
    await trx.deleteFrom("webhook_delivery").where("policy_id", "=", id).execute();
    await trx.deleteFrom("policy_run").where("policy_id", "=", id).execute();
    return Number(deleted.numDeletedRows) > 0;
  });
}

export async function getPolicy(id: string): Promise<Policy | null> {
  const db = await getDb();
  const row = await db.selectFrom("policy").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toPolicy(row) : null;
}

export async function listPolicies(options: { enabledOnly?: boolean } = {}): Promise<Policy[]> {
  const db = await getDb();
  let query = db.selectFrom("policy").selectAll();
  if (options.enabledOnly) query = query.where("enabled", "=", 1);
  const rows = await query.orderBy(byName).orderBy("name").execute();
  return rows.map((row) => toPolicy(row));
}

/** Enabled abort policies of a profile: what would catch its uploads (lib/policies/coverage.ts). */
export async function catchingPolicies(profileId: string): Promise<CatchingPolicy[]> {
  const db = await getDb();
  const rows = await db
    .selectFrom("policy")
    .selectAll()
    .where("enabled", "=", 1)
    .where("mode", "=", "abort")
    .where("profile_id", "=", profileId)
    .orderBy(byName)
    .orderBy("name")
    .execute();
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
  const db = await getDb();
  const result = await db
    .updateTable("policy")
    .set({ handled_until: iso })
    .where("id", "=", id)
    .where("enabled", "=", 1)
    .where("handled_until", "<", iso)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// ---------------------------------------------------------------- runs

function selectRuns(db: Db) {
  return db
    .selectFrom("policy_run as r")
    .leftJoin("bulk_job as j", "j.id", "r.job_id")
    .selectAll("r")
    .select(["j.n_reclaimed as n_reclaimed", "j.bytes_reclaimed as bytes_reclaimed"]);
}

export interface NewRun {
  id: string;
  policy: Policy;
  trigger: RunTrigger;
  scheduledFor: Date | null;
  startedBy: string | null;
}

export async function insertRun(run: NewRun, now = new Date()): Promise<PolicyRun> {
  const db = await getDb();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("policy_run")
      .values({
        id: run.id,
        policy_id: run.policy.id,
        policy_name: run.policy.name,
        trigger: run.trigger,
        mode: run.policy.mode,
        scheduled_for: run.scheduledFor?.toISOString() ?? null,
        started_by: run.startedBy,
        started_at: now.toISOString(),
        status: "running",
      })
      .execute();
    const kept = trx
      .selectFrom("policy_run")
      .select("id")
      .where("policy_id", "=", run.policy.id)
      .orderBy("started_at", "desc")
      .limit(RUNS_KEPT);
    await trx
      .deleteFrom("policy_run")
      .where("policy_id", "=", run.policy.id)
      .where("status", "<>", "running")
      .where("id", "not in", kept)
      .execute();
  });
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
  const db = await getDb();
  await db
    .updateTable("policy_run")
    .set({
      matched_uploads: findings.matchedUploads,
      matched_bytes: findings.matchedBytes,
      active_excluded: findings.activeExcluded,
      report_json: JSON.stringify(findings.report),
    })
    .where("id", "=", runId)
    .execute();
}

export async function setRunJob(runId: string, jobId: string): Promise<void> {
  const db = await getDb();
  await db.updateTable("policy_run").set({ job_id: jobId }).where("id", "=", runId).execute();
}

/** Final status and message; a run already final is left as it is. */
export async function finishRun(runId: string, status: RunStatus, message: string | null, now = new Date()): Promise<void> {
  const db = await getDb();
  await db
    .updateTable("policy_run")
    .set({ status, message, finished_at: now.toISOString() })
    .where("id", "=", runId)
    .where("status", "=", "running")
    .execute();
}

export async function getRun(id: string): Promise<PolicyRun | null> {
  const row = await (await runsQuery()).where("r.id", "=", id).executeTakeFirst();
  return row ? toRun(row) : null;
}

export async function getRunReport(id: string): Promise<{ run: PolicyRun; found: BulkPreview | null } | null> {
  const row = await (await runsQuery()).where("r.id", "=", id).executeTakeFirst();
  if (!row) return null;
  return { run: toRun(row), found: row.report_json ? (JSON.parse(row.report_json) as BulkPreview) : null };
}

async function runsQuery() {
  return selectRuns(await getDb());
}

export async function listRuns(policyId: string, limit = 20): Promise<PolicyRun[]> {
  const rows = await (await runsQuery())
    .where("r.policy_id", "=", policyId)
    .orderBy("r.started_at", "desc")
    .orderBy("r.id", "desc")
    .limit(Math.min(Math.max(limit, 1), RUNS_KEPT))
    .execute();
  return rows.map((row) => toRun(row));
}

/** The newest run of each policy. */
export async function latestRuns(): Promise<Map<string, PolicyRun>> {
  const rows = await (await runsQuery())
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("policy_run as newer")
            .select("newer.id")
            .whereRef("newer.policy_id", "=", "r.policy_id")
            .where(({ or, and, eb, ref }) =>
              or([
                eb("newer.started_at", ">", ref("r.started_at")),
                and([eb("newer.started_at", "=", ref("r.started_at")), eb("newer.id", ">", ref("r.id"))]),
              ]),
            ),
        ),
      ),
    )
    .execute();
  return new Map(rows.map((row) => [row.policy_id, toRun(row)]));
}

/** Runs still marked running (their owner may be gone: see the scheduler's reconcile). */
export async function runningRuns(): Promise<PolicyRun[]> {
  const rows = await (await runsQuery()).where("r.status", "=", "running").execute();
  return rows.map((row) => toRun(row));
}

// ---------------------------------------------------------------- webhook deliveries

export async function insertDelivery(
  delivery: { runId: string; policyId: string; webhookId: string; event: string },
  now = new Date(),
): Promise<number> {
  const at = now.toISOString();
  const db = await getDb();
  const row = await db
    .insertInto("webhook_delivery")
    .values({
      run_id: delivery.runId,
      policy_id: delivery.policyId,
      webhook_id: delivery.webhookId,
      event: delivery.event,
      status: "sending",
      created_at: at,
      updated_at: at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function recordDeliveryAttempt(
  id: number,
  attempt: { status: DeliveryStatus; httpStatus: number | null; error: string | null },
  now = new Date(),
): Promise<void> {
  const db = await getDb();
  await db
    .updateTable("webhook_delivery")
    .set((eb) => ({
      status: attempt.status,
      attempts: eb("attempts", "+", 1),
      last_status: attempt.httpStatus,
      last_error: attempt.error,
      updated_at: now.toISOString(),
    }))
    .where("id", "=", id)
    .execute();
}

/** Deliveries left sending or retrying by a process that stopped: they will not be sent. */
export async function abandonDeliveries(runIds: readonly string[], reason: string, now = new Date()): Promise<void> {
  if (runIds.length === 0) return;
  const db = await getDb();
  await db
    .updateTable("webhook_delivery")
    .set({ status: "failed", last_error: reason, updated_at: now.toISOString() })
    .where("status", "in", ["sending", "retrying"])
    .where("run_id", "in", runIds)
    .execute();
}

export async function listDeliveries(options: { runId?: string; policyId?: string; limit?: number }): Promise<WebhookDelivery[]> {
  const db = await getDb();
  const rows = await db
    .selectFrom("webhook_delivery")
    .selectAll()
    .where(options.runId ? "run_id" : "policy_id", "=", options.runId ?? options.policyId ?? "")
    .orderBy("id", "desc")
    .limit(Math.min(Math.max(options.limit ?? 50, 1), 500))
    .execute();
  return rows.map((row) => toDelivery(row));
}

/** Deliveries that failed for good, per policy, among each policy's last `window` deliveries. */
export async function failedDeliveryCounts(window = 20): Promise<Map<string, number>> {
  const db = await getDb();
  const recent = db
    .selectFrom("webhook_delivery")
    .select(["policy_id", "status", sql<number>`row_number() OVER (PARTITION BY policy_id ORDER BY id DESC)`.as("k")]);
  const rows = await db
    .selectFrom(recent.as("d"))
    .select(["d.policy_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("d.k", "<=", window)
    .where("d.status", "=", "failed")
    .groupBy("d.policy_id")
    .execute();
  return new Map(rows.map((r) => [r.policy_id, Number(r.n)]));
}
