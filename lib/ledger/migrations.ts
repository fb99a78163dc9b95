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
];
