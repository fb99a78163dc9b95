import type { ColumnType, Generated } from "kysely";

// The tables Reclaim reads and writes, as Kysely sees them (one shape for SQLite and
// PostgreSQL). Timestamps are ISO-8601 UTC text in both, so they compare and slice the
// same way; counters and byte counts are 64-bit integers (read back as numbers).
// The schema itself is created by lib/ledger/migrations.ts.

/** One row per abort attempt: written "unknown" before the abort, completed after. */
export interface AbortAttemptTable {
  id: Generated<number>;
  started_at: string;
  finished_at: string | null;
  actor_id: string | null;
  actor_email: string;
  profile_id: string;
  endpoint_host: string;
  bucket: string;
  key: string;
  upload_id: string;
  initiated: string | null;
  parts_before: number;
  bytes_before: number;
  outcome: Generated<string>;
  attempts: Generated<number>;
  error_code: string | null;
  error_message: string | null;
  duration_ms: number | null;
  job_id: string | null;
  /** The first outcome written (never "unknown"); later re-verifications leave it. */
  first_outcome: Generated<string | null>;
  /** The identity provider's subject of the actor at the time (single sign-on), else null. */
  actor_subject: Generated<string | null>;
}

export interface BulkJobTable {
  id: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  actor_id: string | null;
  actor_email: string;
  profile_id: string;
  endpoint_host: string;
  filter_json: string;
  include_active: Generated<number>;
  status: string;
  total: number;
  done: Generated<number>;
  parts_selected: Generated<number>;
  bytes_selected: Generated<number>;
  bytes_reclaimed: Generated<number>;
  n_reclaimed: Generated<number>;
  n_already_gone: Generated<number>;
  n_verify_failed: Generated<number>;
  n_denied: Generated<number>;
  n_failed: Generated<number>;
  n_skipped: Generated<number>;
  n_skipped_active: Generated<number>;
  n_not_attempted: Generated<number>;
  n_interrupted: Generated<number>;
  message: string | null;
  /** The instance that holds the job's lease (runs it). */
  runner_id: string | null;
  /** Last renewal of the lease by its holder. */
  heartbeat_at: string | null;
  /** Until when runner_id holds the job; after that another instance may take it over. */
  lease_expires_at: string | null;
}

export interface BulkJobItemTable {
  job_id: string;
  seq: number;
  bucket: string;
  key: string;
  upload_id: string;
  initiated: string | null;
  parts_before: number | null;
  bytes_before: number | null;
  state: Generated<string>;
  attempts: Generated<number>;
  bytes_reclaimed: Generated<number>;
  error_code: string | null;
  error_message: string | null;
  ledger_id: number | null;
  started_at: string | null;
  finished_at: string | null;
  reread_parts: Generated<number>;
  /** When the dry run read the item's parts (ISO); null = unknown. */
  parts_read_at: string | null;
}

/** Sign-in attempts per account in the current window, for the per-account sign-in lock. */
interface LoginAttemptTable {
  /** A hash of the email, never the email. */
  key_hash: string;
  /** Epoch milliseconds. */
  window_start: number;
  attempts: number;
}

/** A cleanup policy (lib/policies): a bulk selection with a schedule. */
export interface PolicyTable {
  id: string;
  name: string;
  profile_id: string;
  selection_json: string;
  schedule: string;
  time_zone: string;
  mode: string;
  max_uploads: number;
  max_bytes: number;
  notify_above: number;
  webhooks_json: string;
  /** 1 enabled, 0 paused. */
  enabled: number;
  /** The newest schedule slot already run or skipped (ISO). */
  handled_until: string;
  created_at: string;
  created_by_id: string | null;
  created_by_email: string;
  updated_at: string;
  updated_by_id: string | null;
  updated_by_email: string;
}

export interface PolicyRunTable {
  id: string;
  policy_id: string;
  policy_name: string;
  trigger: string;
  mode: string;
  scheduled_for: string | null;
  started_by: string | null;
  started_at: string;
  finished_at: string | null;
  status: string;
  message: string | null;
  matched_uploads: number | null;
  matched_bytes: number | null;
  active_excluded: number | null;
  job_id: string | null;
  report_json: string | null;
}

/** Work that must happen once (a policy run) is owned through a lease row (lib/lease.ts). */
interface LeaseTable {
  name: string;
  owner: string;
  acquired_at: string;
  expires_at: string;
}

export interface WebhookDeliveryTable {
  id: Generated<number>;
  run_id: string;
  policy_id: string;
  webhook_id: string;
  event: string;
  status: string;
  attempts: Generated<number>;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

// Better Auth creates and owns its tables; only the columns Reclaim reads or writes. Its
// booleans are 0/1 in SQLite and booleans in PostgreSQL; its dates ISO text or timestamps.

interface UserTable {
  id: string;
  email: string;
  name: string;
  role: string | null;
  banned: ColumnType<boolean | number | null, never, 0 | 1>;
  banReason: string | null;
  banExpires: ColumnType<Date | string | null, never, null>;
  createdAt: ColumnType<Date | string, never, never>;
  updatedAt: ColumnType<Date | string, never, string>;
}

interface AccountTable {
  userId: string;
  /** The provider's id of the user: the OIDC subject for single sign-on. */
  accountId: string;
  /** "credential" for a password, the provider's id for single sign-on. */
  providerId: string;
}

interface SessionTable {
  id: string;
  userId: string;
}

export interface Database {
  abort_attempt: AbortAttemptTable;
  bulk_job: BulkJobTable;
  bulk_job_item: BulkJobItemTable;
  login_attempt: LoginAttemptTable;
  policy: PolicyTable;
  policy_run: PolicyRunTable;
  lease: LeaseTable;
  webhook_delivery: WebhookDeliveryTable;
  user: UserTable;
  session: SessionTable;
  account: AccountTable;
}
