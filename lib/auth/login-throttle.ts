import "server-only";
import crypto from "node:crypto";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import type Database from "better-sqlite3";
import { ledgerDb } from "@/lib/ledger/db";
import { logger } from "@/lib/log";

// Better Auth throttles sign-in per client address. This adds the per-account half: at most
// MAX_ATTEMPTS sign-ins for one email are evaluated within WINDOW_MS of the first, whichever
// addresses they come from; a successful one starts over.
//
// Each attempt is counted *before* its password is checked, in one statement that also
// returns the count, so attempts sent in parallel cannot all pass the check before any of
// them is counted. Rows hold a hash of the email, never the email, and are pruned once their
// window has passed: made-up emails cannot fill the database.

const MAX_ATTEMPTS = 5;
export const WINDOW_MS = 60_000;
/** The longest address SMTP allows; anything longer is not an account. */
const MAX_EMAIL_LENGTH = 254;

function emailOf(body: unknown): string | null {
  if (typeof body !== "object" || body === null || !("email" in body)) return null;
  const email = (body as { email: unknown }).email;
  return typeof email === "string" ? email.trim().toLowerCase() : null;
}

function keyOf(email: string): string {
  return crypto.createHash("sha256").update(email).digest("base64url");
}

/** Counts one attempt for the account and returns how many its current window holds. */
export function countAttempt(email: string, now = Date.now(), db: Database.Database = ledgerDb()): number {
  const cutoff = now - WINDOW_MS;
  const count = db.transaction(() => {
    db.prepare("DELETE FROM login_attempt WHERE window_start <= ?").run(cutoff);
    const row = db
      .prepare(
        `INSERT INTO login_attempt (key_hash, window_start, attempts) VALUES (@key, @now, 1)
         ON CONFLICT (key_hash) DO UPDATE SET
           attempts     = CASE WHEN window_start <= @cutoff THEN 1 ELSE attempts + 1 END,
           window_start = CASE WHEN window_start <= @cutoff THEN @now ELSE window_start END
         RETURNING attempts`,
      )
      .get({ key: keyOf(email), now, cutoff }) as { attempts: number };
    return row.attempts;
  });
  return count.immediate();
}

/** After a successful sign-in the account starts over. */
export function clearAttempts(email: string, db: Database.Database = ledgerDb()): void {
  db.prepare("DELETE FROM login_attempt WHERE key_hash = ?").run(keyOf(email));
}

export const loginThrottleHooks = {
  before: createAuthMiddleware(async (ctx) => {
    if (ctx.path !== "/sign-in/email") return;
    const email = emailOf(ctx.body);
    if (email === null) return;
    if (email.length > MAX_EMAIL_LENGTH) {
      throw new APIError("BAD_REQUEST", { message: "That is not an email address." });
    }
    if (countAttempt(email) > MAX_ATTEMPTS) {
      logger().warn({ event: "sign-in", user: email, outcome: "throttled" }, "sign-in refused: too many attempts for this account");
      throw new APIError("TOO_MANY_REQUESTS", {
        message: "Too many failed sign-ins for this account. Wait a minute and try again.",
      });
    }
  }),
  after: createAuthMiddleware(async (ctx) => {
    if (ctx.path !== "/sign-in/email") return;
    const email = emailOf(ctx.body);
    if (email === null || email.length > MAX_EMAIL_LENGTH) return;
    if (isAPIError(ctx.context.returned)) {
      logger().warn({ event: "sign-in", user: email, outcome: "failure" }, "sign-in failed");
    } else {
      clearAttempts(email);
      logger().info({ event: "sign-in", user: email, outcome: "success" }, "signed in");
    }
  }),
};
