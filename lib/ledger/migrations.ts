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
];
