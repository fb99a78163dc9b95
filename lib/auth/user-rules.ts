import "server-only";
import { APIError } from "better-auth/api";
import { sql } from "kysely";
import { type Db, dialectOf } from "@/lib/db";

// Rules about users that must hold whichever path a change takes — the Users page, the
// `npm run user` shell command, a Better Auth endpoint called on the server, or plain SQL.
// So they live in the database and in Better Auth's own database hooks, not in one caller.

/** The text the database raises when a change would leave no active admin. */
const LAST_ADMIN_MESSAGE = "the last active admin cannot be demoted, disabled or removed";

// A user counts as an active admin when their role is exactly "admin" and they are not
// banned (disabled) — the same reading as lib/auth/session.ts. The two databases differ, so
// the rule is written for each, side by side:
// - SQLite: triggers; the check runs inside the statement's own write transaction, and
//   SQLite lets one writer in at a time, so two admins demoting each other at the same
//   moment are two changes in some order, and the second finds the first already done.
// - PostgreSQL: a trigger function that first takes a transaction lock shared by every
//   change of an admin (USER_CHANGES_LOCK), so concurrent transactions — on any instance —
//   are checked one after the other, each seeing what the one before committed.

/** "RECU": one change to users at a time on PostgreSQL (the trigger and lib/users.ts). */
const USER_CHANGES_LOCK = 0x52454355;

const SQLITE_ACTIVE_ADMIN = `role = 'admin' AND coalesce(banned, 0) = 0`;
const SQLITE_NO_OTHER_ACTIVE_ADMIN = `NOT EXISTS (SELECT 1 FROM "user" WHERE id <> OLD.id AND ${SQLITE_ACTIVE_ADMIN})`;

const SQLITE_RULES = [
  `CREATE TRIGGER IF NOT EXISTS reclaim_keep_an_admin_on_update
   BEFORE UPDATE OF role, banned ON "user"
   WHEN OLD.role = 'admin' AND coalesce(OLD.banned, 0) = 0
     AND NOT (NEW.role = 'admin' AND coalesce(NEW.banned, 0) = 0)
     AND ${SQLITE_NO_OTHER_ACTIVE_ADMIN}
   BEGIN SELECT RAISE(ABORT, '${LAST_ADMIN_MESSAGE}'); END`,
  `CREATE TRIGGER IF NOT EXISTS reclaim_keep_an_admin_on_delete
   BEFORE DELETE ON "user"
   WHEN OLD.role = 'admin' AND coalesce(OLD.banned, 0) = 0 AND ${SQLITE_NO_OTHER_ACTIVE_ADMIN}
   BEGIN SELECT RAISE(ABORT, '${LAST_ADMIN_MESSAGE}'); END`,
];

const POSTGRES_RULES = [
  `CREATE OR REPLACE FUNCTION reclaim_keep_an_admin() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM pg_advisory_xact_lock(${USER_CHANGES_LOCK});
     IF OLD.role = 'admin' AND NOT coalesce(OLD.banned, false)
        AND (TG_OP = 'DELETE' OR NOT (NEW.role = 'admin' AND NOT coalesce(NEW.banned, false)))
        AND NOT EXISTS (SELECT 1 FROM "user" WHERE id <> OLD.id AND role = 'admin' AND NOT coalesce(banned, false)) THEN
       RAISE EXCEPTION '${LAST_ADMIN_MESSAGE}';
     END IF;
     IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
     RETURN NEW;
   END $$`,
  `CREATE OR REPLACE TRIGGER reclaim_keep_an_admin
   BEFORE UPDATE OF role, banned OR DELETE ON "user"
   FOR EACH ROW EXECUTE FUNCTION reclaim_keep_an_admin()`,
];

/** Installs (idempotently) what keeps at least one active admin. */
export async function installUserRules(db: Db): Promise<void> {
  for (const statement of dialectOf(db) === "postgres" ? POSTGRES_RULES : SQLITE_RULES) {
    await sql.raw(statement).execute(db);
  }
}

/**
 * Makes the transaction `trx` the only one changing users until it ends, so what it read
 * first (is the acting admin still one?) still holds when it writes. PostgreSQL: the lock
 * the rule's trigger takes. SQLite: a write that takes the file's write lock up front.
 */
export async function lockUserChanges(trx: Db): Promise<void> {
  if (dialectOf(trx) === "postgres") await sql`SELECT pg_advisory_xact_lock(${sql.lit(USER_CHANGES_LOCK)})`.execute(trx);
  else await sql`UPDATE "user" SET id = id WHERE 0 = 1`.execute(trx);
}

export function isLastAdminError(error: unknown): boolean {
  return error instanceof Error && error.message.includes(LAST_ADMIN_MESSAGE);
}

/**
 * Better Auth database hooks. Impersonation is off in Reclaim: the ledger names who aborted
 * what, and a session that acts as someone else would put the wrong name there. No session
 * that carries `impersonatedBy` is ever created, whichever endpoint asks for one.
 */
export const userRuleHooks = {
  session: {
    create: {
      async before(session: Record<string, unknown>) {
        if (session.impersonatedBy) {
          throw new APIError("FORBIDDEN", { message: "Impersonation is turned off in Reclaim." });
        }
      },
    },
  },
};
