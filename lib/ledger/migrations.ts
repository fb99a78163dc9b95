// Versioned schema of Reclaim's own tables (Better Auth manages its tables itself).
// Each entry runs once, in order; PRAGMA user_version records how many have run.
// Never edit a released entry: append a new one.

export const migrations: readonly string[] = [
  // 1: one row per abort attempt. Written as "unknown" before the abort is sent, then
  // completed with the outcome; a crash in between leaves "unknown" for re-verification.
  `CREATE TABLE abort_attempt (
     id            INTEGER PRIMARY KEY,
     started_at    TEXT    NOT NULL,
     finished_at   TEXT,
     actor_id      TEXT,
     actor_email   TEXT    NOT NULL,
     profile_id    TEXT    NOT NULL,
     endpoint_host TEXT    NOT NULL,
     bucket        TEXT    NOT NULL,
     key           TEXT    NOT NULL,
     upload_id     TEXT    NOT NULL,
     initiated     TEXT,
     parts_before  INTEGER NOT NULL,
     bytes_before  INTEGER NOT NULL,
     outcome       TEXT    NOT NULL DEFAULT 'unknown',
     attempts      INTEGER NOT NULL DEFAULT 0,
     error_code    TEXT,
     error_message TEXT,
     duration_ms   INTEGER,
     job_id        TEXT
   );
   CREATE INDEX abort_attempt_started ON abort_attempt (started_at);
   CREATE INDEX abort_attempt_outcome ON abort_attempt (outcome);
   CREATE INDEX abort_attempt_bucket ON abort_attempt (profile_id, bucket);`,
  // 2: bulk cleanup jobs (lib/jobs). One row per job with running counters, one row per
  // upload it covers. Each abort an item sends is an abort_attempt row with this job_id.
  `CREATE TABLE bulk_job (
     id                 TEXT    PRIMARY KEY,
     created_at         TEXT    NOT NULL,
     started_at         TEXT,
     finished_at        TEXT,
     actor_id           TEXT,
     actor_email        TEXT    NOT NULL,
     profile_id         TEXT    NOT NULL,
     endpoint_host      TEXT    NOT NULL,
     filter_json        TEXT    NOT NULL,
     include_active     INTEGER NOT NULL DEFAULT 0,
     status             TEXT    NOT NULL,
     total              INTEGER NOT NULL,
     done               INTEGER NOT NULL DEFAULT 0,
     parts_selected     INTEGER NOT NULL DEFAULT 0,
     bytes_selected     INTEGER NOT NULL DEFAULT 0,
     bytes_reclaimed    INTEGER NOT NULL DEFAULT 0,
     n_reclaimed        INTEGER NOT NULL DEFAULT 0,
     n_already_gone     INTEGER NOT NULL DEFAULT 0,
     n_verify_failed    INTEGER NOT NULL DEFAULT 0,
     n_denied           INTEGER NOT NULL DEFAULT 0,
     n_failed           INTEGER NOT NULL DEFAULT 0,
     n_skipped          INTEGER NOT NULL DEFAULT 0,
     n_not_attempted    INTEGER NOT NULL DEFAULT 0,
     n_interrupted      INTEGER NOT NULL DEFAULT 0,
     message            TEXT,
     runner_id          TEXT,
     heartbeat_at       TEXT
   );
   CREATE INDEX bulk_job_created ON bulk_job (created_at);
   CREATE INDEX bulk_job_status ON bulk_job (status);
   CREATE TABLE bulk_job_item (
     job_id          TEXT    NOT NULL REFERENCES bulk_job (id) ON DELETE CASCADE,
     seq             INTEGER NOT NULL,
     bucket          TEXT    NOT NULL,
     key             TEXT    NOT NULL,
     upload_id       TEXT    NOT NULL,
     initiated       TEXT,
     parts_before    INTEGER,
     bytes_before    INTEGER,
     state           TEXT    NOT NULL DEFAULT 'pending',
     attempts        INTEGER NOT NULL DEFAULT 0,
     bytes_reclaimed INTEGER NOT NULL DEFAULT 0,
     error_code      TEXT,
     error_message   TEXT,
     ledger_id       INTEGER REFERENCES abort_attempt (id),
     started_at      TEXT,
     finished_at     TEXT,
     PRIMARY KEY (job_id, seq)
   );
   CREATE INDEX bulk_job_item_state ON bulk_job_item (job_id, state);
   CREATE INDEX abort_attempt_job ON abort_attempt (job_id, upload_id) WHERE job_id IS NOT NULL;`,
  // 3: whether a job item's parts must be read again right before its abort (it looked
  // active in the dry run, or its size was unknown), or the dry run's ListParts stands as
  // the ledger's "before". Rows from before this column re-read, as they always did.
  `ALTER TABLE bulk_job_item ADD COLUMN reread_parts INTEGER NOT NULL DEFAULT 1`,
  // 4: the per-account sign-in lock (lib/auth/login-throttle.ts). One row per account with a
  // recent sign-in attempt, keyed by a hash of the email: counted and checked in one
  // statement, pruned once its window has passed. Replaces login_failure, which kept one
  // row per failure with the email as typed, forever.
  `DROP TABLE IF EXISTS login_failure;
   CREATE TABLE login_attempt (
     key_hash     TEXT    PRIMARY KEY,
     window_start INTEGER NOT NULL,
     attempts     INTEGER NOT NULL
   );
   CREATE INDEX login_attempt_window ON login_attempt (window_start);`,
  // 5: at most one open ("unknown") attempt per upload, so two aborts of one upload at the
  // same time (two tabs, two admins, a bulk job and a row click) cannot both send and both
  // count: the second finds the first open and waits for its outcome (lib/uploads/service.ts).
  // Open duplicates left by older versions keep the newest; the others become "failed" for
  // re-verification. The upload index serves the "already counted elsewhere" checks.
  `UPDATE abort_attempt
      SET outcome = 'failed', error_code = 'interrupted', finished_at = COALESCE(finished_at, started_at),
          error_message = 'Interrupted together with a newer attempt of the same upload, which keeps the result; re-verify this one to resolve it.'
    WHERE outcome = 'unknown'
      AND id < (SELECT MAX(o.id) FROM abort_attempt o
                 WHERE o.outcome = 'unknown' AND o.profile_id = abort_attempt.profile_id AND o.bucket = abort_attempt.bucket
                   AND o.key = abort_attempt.key AND o.upload_id = abort_attempt.upload_id);
   CREATE UNIQUE INDEX abort_attempt_one_open ON abort_attempt (profile_id, bucket, key, upload_id) WHERE outcome = 'unknown';
   CREATE INDEX abort_attempt_upload ON abort_attempt (upload_id);`,
  // 6: when the dry run read each job item's parts (an item read more than a minute before its
  // abort is read again, and skipped if it came back to life), and the count of items skipped
  // that way. Older rows have no time: they are read again.
  `ALTER TABLE bulk_job_item ADD COLUMN parts_read_at TEXT;
   ALTER TABLE bulk_job ADD COLUMN n_skipped_active INTEGER NOT NULL DEFAULT 0;`,
  // 7: the first outcome recorded for an attempt (never 'unknown'). A later re-verification
  // may change `outcome` (failed → reclaimed); this stays, so counts by it only ever grow
  // (the Prometheus counter reclaim_abort_attempts_total).
  `ALTER TABLE abort_attempt ADD COLUMN first_outcome TEXT;
   UPDATE abort_attempt SET first_outcome = outcome WHERE outcome <> 'unknown';`,
  // 8: cleanup policies (lib/policies). A policy is a bulk selection with a schedule; each run
  // is a policy_run row (an abort run also a bulk_job). `handled_until` is the newest schedule
  // slot already run (or skipped because it came before the policy existed or was resumed).
  // A lease row names the one owner allowed to run a policy now; it expires unless renewed.
  // Each webhook POST of a run's summary is a webhook_delivery row.
  `CREATE TABLE policy (
     id               TEXT    PRIMARY KEY,
     name             TEXT    NOT NULL UNIQUE,
     profile_id       TEXT    NOT NULL,
     selection_json   TEXT    NOT NULL,
     schedule         TEXT    NOT NULL,
     time_zone        TEXT    NOT NULL,
     mode             TEXT    NOT NULL,
     max_uploads      INTEGER NOT NULL,
     max_bytes        INTEGER NOT NULL,
     notify_above     INTEGER NOT NULL DEFAULT 0,
     webhooks_json    TEXT    NOT NULL DEFAULT '[]',
     enabled          INTEGER NOT NULL DEFAULT 1,
     handled_until    TEXT    NOT NULL,
     created_at       TEXT    NOT NULL,
     created_by_id    TEXT,
     created_by_email TEXT    NOT NULL,
     updated_at       TEXT    NOT NULL,
     updated_by_id    TEXT,
     updated_by_email TEXT    NOT NULL
   );
   CREATE TABLE policy_run (
     id              TEXT    PRIMARY KEY,
     policy_id       TEXT    NOT NULL,
     policy_name     TEXT    NOT NULL,
     trigger         TEXT    NOT NULL,
     mode            TEXT    NOT NULL,
     scheduled_for   TEXT,
     started_by      TEXT,
     started_at      TEXT    NOT NULL,
     finished_at     TEXT,
     status          TEXT    NOT NULL,
     message         TEXT,
     matched_uploads INTEGER,
     matched_bytes   INTEGER,
     active_excluded INTEGER,
     job_id          TEXT,
     report_json     TEXT
   );
   CREATE INDEX policy_run_policy ON policy_run (policy_id, started_at);
   CREATE INDEX policy_run_status ON policy_run (status);
   CREATE TABLE lease (
     name        TEXT PRIMARY KEY,
     owner       TEXT NOT NULL,
     acquired_at TEXT NOT NULL,
     expires_at  TEXT NOT NULL
   );
   CREATE TABLE webhook_delivery (
     id          INTEGER PRIMARY KEY,
     run_id      TEXT    NOT NULL,
     policy_id   TEXT    NOT NULL,
     webhook_id  TEXT    NOT NULL,
     event       TEXT    NOT NULL,
     status      TEXT    NOT NULL,
     attempts    INTEGER NOT NULL DEFAULT 0,
     last_status INTEGER,
     last_error  TEXT,
     created_at  TEXT    NOT NULL,
     updated_at  TEXT    NOT NULL
   );
   CREATE INDEX webhook_delivery_run ON webhook_delivery (run_id);
   CREATE INDEX webhook_delivery_policy ON webhook_delivery (policy_id, id);`,
];
