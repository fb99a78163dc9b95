import { type Kysely, sql } from "kysely";
import type { DialectName } from "@/lib/db/dialect";

// Versioned schema of Reclaim's own tables (Better Auth manages its tables itself), for
// SQLite and PostgreSQL alike: each entry runs once, in order, at start (lib/db/migrate.ts
// records what ran). Never edit a released entry: append a new one with the next number.
// The first seven are the releases' raw-SQL migrations 1–7 (PRAGMA user_version), in order,
// so a SQLite file at user_version N is adopted with the first N recorded as run.
//
// Where the two databases differ it is spelled out here, side by side:
// - an auto-numbered id is SQLite's `integer primary key` (the rowid) and PostgreSQL's
//   identity column;
// - 64-bit integers are `bigint` (SQLite stores any integer in an INTEGER-affinity column).

export interface Migration {
  /** Sorts in order of the list: "0001-…", "0002-…". */
  name: string;
  // The schema is built before its types exist: migrations work on an untyped database.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  up(db: Kysely<any>, dialect: DialectName): Promise<void>;
}

export const migrations: readonly Migration[] = [
  {
    // One row per abort attempt. Written as "unknown" before the abort is sent, then
    // completed with the outcome; a crash in between leaves "unknown" for re-verification.
    name: "0001-abort-attempt",
    async up(db, dialect) {
      await db.schema
        .createTable("abort_attempt")
        .addColumn("id", dialect === "postgres" ? "bigint" : "integer", (c) =>
          dialect === "postgres" ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey(),
        )
        .addColumn("started_at", "text", (c) => c.notNull())
        .addColumn("finished_at", "text")
        .addColumn("actor_id", "text")
        .addColumn("actor_email", "text", (c) => c.notNull())
        .addColumn("profile_id", "text", (c) => c.notNull())
        .addColumn("endpoint_host", "text", (c) => c.notNull())
        .addColumn("bucket", "text", (c) => c.notNull())
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("upload_id", "text", (c) => c.notNull())
        .addColumn("initiated", "text")
        .addColumn("parts_before", "bigint", (c) => c.notNull())
        .addColumn("bytes_before", "bigint", (c) => c.notNull())
        .addColumn("outcome", "text", (c) => c.notNull().defaultTo("unknown"))
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("error_code", "text")
        .addColumn("error_message", "text")
        .addColumn("duration_ms", "bigint")
        .addColumn("job_id", "text")
        .execute();
      await db.schema.createIndex("abort_attempt_started").on("abort_attempt").column("started_at").execute();
      await db.schema.createIndex("abort_attempt_outcome").on("abort_attempt").column("outcome").execute();
      await db.schema.createIndex("abort_attempt_bucket").on("abort_attempt").columns(["profile_id", "bucket"]).execute();
    },
  },
  {
    // Bulk cleanup jobs (lib/jobs). One row per job with running counters, one row per
    // upload it covers. Each abort an item sends is an abort_attempt row with this job_id.
    name: "0002-bulk-job",
    async up(db) {
      const counter = (name: string) => (t: ReturnType<typeof db.schema.createTable>) =>
        t.addColumn(name, "bigint", (c) => c.notNull().defaultTo(0));
      let job = db.schema
        .createTable("bulk_job")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("started_at", "text")
        .addColumn("finished_at", "text")
        .addColumn("actor_id", "text")
        .addColumn("actor_email", "text", (c) => c.notNull())
        .addColumn("profile_id", "text", (c) => c.notNull())
        .addColumn("endpoint_host", "text", (c) => c.notNull())
        .addColumn("filter_json", "text", (c) => c.notNull())
        .addColumn("include_active", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("total", "bigint", (c) => c.notNull());
      for (const name of [
        "done",
        "parts_selected",
        "bytes_selected",
        "bytes_reclaimed",
        "n_reclaimed",
        "n_already_gone",
        "n_verify_failed",
        "n_denied",
        "n_failed",
        "n_skipped",
        "n_not_attempted",
        "n_interrupted",
      ]) {
        job = counter(name)(job);
      }
      await job.addColumn("message", "text").addColumn("runner_id", "text").addColumn("heartbeat_at", "text").execute();
      await db.schema.createIndex("bulk_job_created").on("bulk_job").column("created_at").execute();
      await db.schema.createIndex("bulk_job_status").on("bulk_job").column("status").execute();
      await db.schema
        .createTable("bulk_job_item")
        .addColumn("job_id", "text", (c) => c.notNull().references("bulk_job.id").onDelete("cascade"))
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("bucket", "text", (c) => c.notNull())
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("upload_id", "text", (c) => c.notNull())
        .addColumn("initiated", "text")
        .addColumn("parts_before", "bigint")
        .addColumn("bytes_before", "bigint")
        .addColumn("state", "text", (c) => c.notNull().defaultTo("pending"))
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("bytes_reclaimed", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("error_code", "text")
        .addColumn("error_message", "text")
        .addColumn("ledger_id", "bigint", (c) => c.references("abort_attempt.id"))
        .addColumn("started_at", "text")
        .addColumn("finished_at", "text")
        .addPrimaryKeyConstraint("bulk_job_item_pk", ["job_id", "seq"])
        .execute();
      await db.schema.createIndex("bulk_job_item_state").on("bulk_job_item").columns(["job_id", "state"]).execute();
      await db.schema
        .createIndex("abort_attempt_job")
        .on("abort_attempt")
        .columns(["job_id", "upload_id"])
        .where(sql.ref("job_id"), "is not", null)
        .execute();
    },
  },
  {
    // Whether a job item's parts must be read again right before its abort (it looked
    // active in the dry run, or its size was unknown), or the dry run's ListParts stands as
    // the ledger's "before". Rows from before this column re-read, as they always did.
    name: "0003-job-item-reread-parts",
    async up(db) {
      await db.schema
        .alterTable("bulk_job_item")
        .addColumn("reread_parts", "integer", (c) => c.notNull().defaultTo(1))
        .execute();
    },
  },
  {
    // The per-account sign-in lock (lib/auth/login-throttle.ts). One row per account with a
    // recent sign-in attempt, keyed by a hash of the email: counted and checked in one
    // statement, pruned once its window has passed. Replaces login_failure, which kept one
    // row per failure with the email as typed, forever (created on first use, so an older
    // SQLite file may or may not have it).
    name: "0004-login-attempt",
    async up(db) {
      await db.schema.dropTable("login_failure").ifExists().execute();
      await db.schema
        .createTable("login_attempt")
        .addColumn("key_hash", "text", (c) => c.primaryKey())
        .addColumn("window_start", "bigint", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("login_attempt_window").on("login_attempt").column("window_start").execute();
    },
  },
  {
    // At most one open ("unknown") attempt per upload, so two aborts of one upload at the
    // same time (two tabs, two admins, a bulk job and a row click, two instances) cannot both
    // send and both count: the second finds the first open and waits for its outcome
    // (lib/uploads/service.ts). Open duplicates left by older versions keep the newest; the
    // others become "failed" for re-verification. The upload index serves the "already
    // counted elsewhere" checks.
    name: "0005-one-open-attempt",
    async up(db) {
      await sql`UPDATE abort_attempt
          SET outcome = 'failed', error_code = 'interrupted', finished_at = COALESCE(finished_at, started_at),
              error_message = 'Interrupted together with a newer attempt of the same upload, which keeps the result; re-verify this one to resolve it.'
        WHERE outcome = 'unknown'
          AND id < (SELECT MAX(o.id) FROM abort_attempt o
                     WHERE o.outcome = 'unknown' AND o.profile_id = abort_attempt.profile_id AND o.bucket = abort_attempt.bucket
                       AND o.key = abort_attempt.key AND o.upload_id = abort_attempt.upload_id)`.execute(db);
      await db.schema
        .createIndex("abort_attempt_one_open")
        .unique()
        .on("abort_attempt")
        .columns(["profile_id", "bucket", "key", "upload_id"])
        .where(sql.ref("outcome"), "=", sql.lit("unknown"))
        .execute();
      await db.schema.createIndex("abort_attempt_upload").on("abort_attempt").column("upload_id").execute();
    },
  },
  {
    // When the dry run read each job item's parts (an item read more than a minute before its
    // abort is read again, and skipped if it came back to life), and the count of items
    // skipped that way. Older rows have no time: they are read again.
    name: "0006-job-item-parts-read-at",
    async up(db) {
      await db.schema.alterTable("bulk_job_item").addColumn("parts_read_at", "text").execute();
      await db.schema
        .alterTable("bulk_job")
        .addColumn("n_skipped_active", "bigint", (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },
  {
    // The first outcome recorded for an attempt (never 'unknown'). A later re-verification
    // may change `outcome` (failed → gone-unknown); this stays, so counts by it only ever
    // grow (the Prometheus counter reclaim_abort_attempts_total).
    name: "0007-first-outcome",
    async up(db) {
      await db.schema.alterTable("abort_attempt").addColumn("first_outcome", "text").execute();
      await db.updateTable("abort_attempt").set((eb) => ({ first_outcome: eb.ref("outcome") })).where("outcome", "<>", "unknown").execute();
    },
  },
  {
    // A bulk job is run by the instance that holds its lease (runner_id) until
    // lease_expires_at; the holder renews it while running. When it expires (the holder
    // died), another instance takes the job over. Jobs from before have no lease: expired.
    name: "0008-bulk-job-lease",
    async up(db) {
      await db.schema.alterTable("bulk_job").addColumn("lease_expires_at", "text").execute();
    },
  },
  {
    // Cleanup policies (lib/policies). A policy is a bulk selection with a schedule; each run
    // is a policy_run row (an abort run also a bulk_job). `handled_until` is the newest
    // schedule slot already run (or skipped because it came before the policy existed or
    // was resumed). A lease row names the one owner (instance) allowed to run a policy now;
    // it expires unless renewed (lib/lease.ts). Each webhook POST of a run's summary is a
    // webhook_delivery row.
    name: "0009-policies",
    async up(db, dialect) {
      await db.schema
        .createTable("policy")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("profile_id", "text", (c) => c.notNull())
        .addColumn("selection_json", "text", (c) => c.notNull())
        .addColumn("schedule", "text", (c) => c.notNull())
        .addColumn("time_zone", "text", (c) => c.notNull())
        .addColumn("mode", "text", (c) => c.notNull())
        .addColumn("max_uploads", "bigint", (c) => c.notNull())
        .addColumn("max_bytes", "bigint", (c) => c.notNull())
        .addColumn("notify_above", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("webhooks_json", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
        .addColumn("handled_until", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("created_by_id", "text")
        .addColumn("created_by_email", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addColumn("updated_by_id", "text")
        .addColumn("updated_by_email", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("policy_run")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("policy_id", "text", (c) => c.notNull())
        .addColumn("policy_name", "text", (c) => c.notNull())
        .addColumn("trigger", "text", (c) => c.notNull())
        .addColumn("mode", "text", (c) => c.notNull())
        .addColumn("scheduled_for", "text")
        .addColumn("started_by", "text")
        .addColumn("started_at", "text", (c) => c.notNull())
        .addColumn("finished_at", "text")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("message", "text")
        .addColumn("matched_uploads", "bigint")
        .addColumn("matched_bytes", "bigint")
        .addColumn("active_excluded", "bigint")
        .addColumn("job_id", "text")
        .addColumn("report_json", "text")
        .execute();
      await db.schema.createIndex("policy_run_policy").on("policy_run").columns(["policy_id", "started_at"]).execute();
      await db.schema.createIndex("policy_run_status").on("policy_run").column("status").execute();
      await db.schema
        .createTable("lease")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("owner", "text", (c) => c.notNull())
        .addColumn("acquired_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("webhook_delivery")
        .addColumn("id", dialect === "postgres" ? "bigint" : "integer", (c) =>
          dialect === "postgres" ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey(),
        )
        .addColumn("run_id", "text", (c) => c.notNull())
        .addColumn("policy_id", "text", (c) => c.notNull())
        .addColumn("webhook_id", "text", (c) => c.notNull())
        .addColumn("event", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("last_status", "integer")
        .addColumn("last_error", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("webhook_delivery_run").on("webhook_delivery").column("run_id").execute();
      await db.schema.createIndex("webhook_delivery_policy").on("webhook_delivery").columns(["policy_id", "id"]).execute();
    },
  },
  {
    // The identity provider's subject (the OIDC `sub`) of whoever aborted, beside their email:
    // an email can be reassigned or renamed at the provider, the subject identifies the person.
    // Null for password accounts and for rows from before single sign-on.
    name: "0010-actor-subject",
    async up(db) {
      await db.schema.alterTable("abort_attempt").addColumn("actor_subject", "text").execute();
    },
  },
];
