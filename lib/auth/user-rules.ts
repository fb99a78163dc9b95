import "server-only";
import type Database from "better-sqlite3";
import { APIError } from "better-auth/api";

// Rules about users that must hold whichever path a change takes — the Users page, the
// `npm run user` shell command, a Better Auth endpoint called on the server, or plain SQL.
// So they live in the database and in Better Auth's own database hooks, not in one caller.

/** The text SQLite raises when a change would leave no active admin. */
const LAST_ADMIN_MESSAGE = "the last active admin cannot be demoted, disabled or removed";

// A user counts as an active admin when their role is exactly "admin" and they are not
// banned (disabled) — the same reading as lib/auth/session.ts. The check runs inside the
// statement's own write transaction; SQLite lets one writer in at a time, so two admins
// demoting each other at the same moment are two changes in some order, and the second
// finds the first already done.
const ACTIVE_ADMIN = `role = 'admin' AND coalesce(banned, 0) = 0`;
const NO_OTHER_ACTIVE_ADMIN = `NOT EXISTS (SELECT 1 FROM "user" WHERE id <> OLD.id AND ${ACTIVE_ADMIN})`;

/** Installs (idempotently) the triggers that keep at least one active admin. */
export function installUserRules(db: Database.Database): void {
  db.exec(`
    CREATE TRIGGER IF NOT EXISTS reclaim_keep_an_admin_on_update
    BEFORE UPDATE OF role, banned ON "user"
    WHEN OLD.role = 'admin' AND coalesce(OLD.banned, 0) = 0
      AND NOT (NEW.role = 'admin' AND coalesce(NEW.banned, 0) = 0)
      AND ${NO_OTHER_ACTIVE_ADMIN}
    BEGIN SELECT RAISE(ABORT, '${LAST_ADMIN_MESSAGE}'); END;

    CREATE TRIGGER IF NOT EXISTS reclaim_keep_an_admin_on_delete
    BEFORE DELETE ON "user"
    WHEN OLD.role = 'admin' AND coalesce(OLD.banned, 0) = 0 AND ${NO_OTHER_ACTIVE_ADMIN}
    BEGIN SELECT RAISE(ABORT, '${LAST_ADMIN_MESSAGE}'); END;
  `);
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
